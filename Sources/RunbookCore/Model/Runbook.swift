import RunbookYAML

/// A loaded runbook: a named procedure with params and an ordered step graph.
public struct Runbook: Sendable, Hashable {
    /// The highest format version this build understands.
    public static let supportedVersion = 1

    /// Unique name (`drain-node`); the file is usually `runbooks/<name>.yaml`.
    public var name: String
    public var title: String?
    public var description: String?
    /// The guide section(s) this procedure encodes, e.g. "Day 2 Operations Guide 7.1.1".
    public var source: String?
    public var version: Int
    public var params: [Param]
    /// Lock scope: at most one run at a time holds it, across runs and runbooks.
    public var lock: Template?
    public var steps: [Step]
    /// The path the runbook was read from, as given.
    public var file: String
    /// Where the `runbook:` key is.
    public var location: SourceLocation

    public init(
        name: String, title: String? = nil, description: String? = nil, source: String? = nil,
        version: Int = Runbook.supportedVersion, params: [Param] = [], lock: Template? = nil, steps: [Step],
        file: String, location: SourceLocation
    ) {
        self.name = name
        self.title = title
        self.description = description
        self.source = source
        self.version = version
        self.params = params
        self.lock = lock
        self.steps = steps
        self.file = file
        self.location = location
    }

    /// The param with this name.
    public func param(_ name: String) -> Param? { params.first { $0.name == name } }

    /// The step with this id.
    public func step(_ id: String) -> Step? { steps.first { $0.id == id } }
}
