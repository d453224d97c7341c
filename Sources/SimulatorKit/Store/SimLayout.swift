/// Where a simulator directory keeps what, and how its tools learn which cluster and host they
/// act on: the one description of the on-disk layout, used by `SimCluster`, the tools and
/// `SimTransport` alike.
public struct SimLayout: Sendable, Hashable {
    /// The simulator directory (absolute).
    public let directory: String

    /// Creates a value with every field given.
    public init(directory: String) { self.directory = directory }

    /// The environment variable that names the simulator directory for the tools.
    public static let directoryVariable = "RUNBOOK_SIM_DIR"
    /// The environment variable that names the host a tool runs on.
    public static let hostVariable = "RUNBOOK_SIM_HOST"

    /// The cluster state, read and written by `StateStore` under a lock.
    public var statePath: String { directory + "/state.json" }
    /// The lock file `StateStore` holds while it reads or writes the state.
    public var lockPath: String { directory + "/state.lock" }
    /// One directory per simulated host.
    public var hostsDirectory: String { directory + "/hosts" }
    /// The tools (`oc`, `etcdctl`, …), symlinks to the runbook-sim binary.
    public var binDirectory: String { directory + "/bin" }
    /// The simulator's own inventory (every host with `transport: sim`).
    public var inventoryPath: String { directory + "/inventory.yaml" }

    /// The simulated machine running `runbook` (steps without `on`, `fetch` destinations): a
    /// host tree of its own, not a host of the cluster, created on first use.
    public static let controllerHost = "localhost"

    /// The file tree standing for `host`'s `/`.
    public func tree(of host: String) -> HostTree { HostTree(simDirectory: directory, host: host) }

    /// The environment a tool needs to act as `host` of this cluster.
    public func toolEnvironment(host: String) -> [String: String] {
        [Self.directoryVariable: directory, Self.hostVariable: host]
    }
}
