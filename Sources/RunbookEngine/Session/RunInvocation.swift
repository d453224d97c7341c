import RunbookCore

/// How a run was started, saved in its run directory (`invocation.json`) so `resume` can set
/// the same run up again: the runbook file, where its hosts are, and the non-secret params.
/// Secret params are never saved; resume asks for them again.
public struct RunInvocation: Sendable, Hashable, Codable {
    /// The runbook file as given on the command line.
    public var file: String
    /// `--inventory`, when given.
    public var inventory: String?
    /// The simulator directory for `--sim` runs.
    public var simDirectory: String?
    /// Resolved params without the secret ones.
    public var params: [String: Value]
    /// Names of the secret params (their values are asked for again on resume).
    public var secretNames: [String]

    public init(file: String, inventory: String? = nil, simDirectory: String? = nil,
                params: [String: Value], secretNames: Set<String>) {
        self.file = file
        self.inventory = inventory
        self.simDirectory = simDirectory
        self.params = params.filter { !secretNames.contains($0.key) }
        self.secretNames = secretNames.sorted()
    }

    static let fileName = "invocation.json"
}
