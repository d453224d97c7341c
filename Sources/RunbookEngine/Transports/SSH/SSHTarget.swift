import RunbookCore

/// Where and as whom `ssh` connects, taken from an inventory host.
struct SSHTarget: Sendable, Hashable {
    var hostName: String
    var address: String
    var user: String?
    var port: Int?
    var identityFile: String?
    var become: Bool
    /// Options from the host's `ssh_options` (a list, or a string split on spaces) and
    /// `ansible_ssh_common_args` (split on spaces).
    var extraOptions: [String]
    /// `ConnectTimeout` and `ServerAlive*` (see `livenessOptions`).
    var liveness: [String]
    /// Why the options could not be used, if they could not.
    var optionsProblem: String?

    init(_ host: InventoryHost) {
        hostName = host.name
        address = host.address
        user = host.user
        port = host.port
        identityFile = host.identityFile
        become = host.become
        extraOptions = Self.options(host.vars["ansible_ssh_common_args"]) + Self.options(host.vars["ssh_options"])
        let liveness = Self.livenessOptions(host.vars)
        self.liveness = liveness.options
        optionsProblem = liveness.problem
        if case .string(let text)? = host.vars["ansible_ssh_common_args"], text.contains(where: { "'\"\\".contains($0) }) {
            optionsProblem = "ansible_ssh_common_args contains quotes, which runbook does not interpret; "
                + "give the options as a list in the host variable ssh_options instead"
        }
    }

    /// `user@address:port` as far as the inventory says.
    var display: String {
        (user.map { "\($0)@" } ?? "") + address + (port.map { ":\($0)" } ?? "")
    }

    /// The name known_hosts records: `[address]:port` for a non-default port.
    var knownHostsName: String {
        guard let port, port != 22 else { return address }
        return "[\(address)]:\(port)"
    }

    private static func options(_ value: Value?) -> [String] {
        switch value {
        case .string(let text): text.split(separator: " ").map(String.init)
        case .list(let items): items.map(\.description)
        default: []
        }
    }
}
