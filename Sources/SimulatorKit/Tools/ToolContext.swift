import Foundation

/// What a simulated tool gets: its name and arguments, the host it runs on, the simulator.
public struct ToolContext {
    /// The name it was called by (argv[0] basename).
    public let tool: String
    /// Arguments after the tool name.
    public var args: [String]
    public let host: String
    /// The simulator directory.
    public let simDirectory: String
    /// The process environment.
    public let environment: [String: String]
    let store: StateStore

    /// Creates a value with every field given.
    public init(tool: String, args: [String], host: String, simDirectory: String, environment: [String: String]) {
        self.tool = tool
        self.args = args
        self.host = host
        self.simDirectory = simDirectory
        self.environment = environment
        store = StateStore(directory: simDirectory)
    }

    /// The host's file tree.
    public var tree: HostTree { HostTree(simDirectory: simDirectory, host: host) }

    /// A read-only view of the cluster.
    public func view() throws -> ClusterView {
        let v = ClusterView(state: try store.read(), simDirectory: simDirectory)
        // An etcd that came up from its files since the last change (a manifest moved back).
        if v.pendingEtcdStarts().isEmpty { return v }
        try update { _ in }
        return ClusterView(state: try store.read(), simDirectory: simDirectory)
    }

    /// Runs `body` under the state lock and saves what it changed, then reconciles pods.
    public func update<T>(_ body: (inout ClusterView) throws -> T) throws -> T {
        try store.update { state in
            var view = ClusterView(state: state, simDirectory: simDirectory)
            defer {
                view.applyEtcdStarts()
                view.reconcile()
                state = view.state
            }
            return try body(&view)
        }
    }

    /// Writes to standard output.
    public func out(_ text: String) { FileHandle.standardOutput.write(Data(text.utf8)) }
    /// Writes to standard error.
    public func err(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }

    /// Prints `message` on standard error and ends the tool with `code`.
    public func fail(_ message: String, code: Int32 = 1) -> ToolExit {
        err(message.hasSuffix("\n") ? message : message + "\n")
        return ToolExit(code)
    }
}

/// One simulated command-line tool.
protocol SimTool: Sendable {
    /// The names it answers to (argv[0] basenames).
    static var names: [String] { get }
    /// Runs and returns the exit code; may throw `ToolExit` after printing its message.
    static func run(_ context: ToolContext) throws -> Int32
}
