import Foundation

/// A simulated cluster on disk: `state.json`, `hosts/<host>/root/…`, `bin/` (the tools) and
/// `inventory.yaml` (transport: sim).
public struct SimCluster: Sendable {
    /// The simulator directory.
    public let directory: String
    let store: StateStore

    /// Opens an existing simulator directory.
    /// - Throws: `SimError.io` when it holds no simulator.
    public init(at directory: String) throws(SimError) {
        let dir = Self.absolute(directory)
        guard FileManager.default.fileExists(atPath: SimLayout(directory: dir).statePath) else {
            throw SimError.io("\(directory): not a simulator directory (run `runbook sim init \(directory)`)")
        }
        self.directory = dir
        store = StateStore(directory: dir)
    }

    /// The tools `bin/` offers, each a symlink to the runbook-sim binary.
    public static let toolNames = [
        "oc", "etcdctl", "etcdctl2", "etcdctl3", "systemctl", "master-restart", "docker-storage-setup", "lvextend",
        "xfs_growfs", "vgs", "lvs", "pvs", "yum", "rpm", "restorecon", "timedatectl", "ip", "update-ca-trust", "docker",
        "ansible-playbook", "hostname", "pvresize", "openssl", "iptables", "iptables-save", "container-storage-setup", "curl",
        "growpart", "wipefs", "vgreduce", "pvremove", "df", "blockdev",
    ] + FileTool.names + LvRemoveTool.names + MasterExecTool.names

    /// Creates a fresh cluster in `dir` (emptied first when it already holds a simulator).
    /// - Parameter toolPath: the runbook-sim executable the tool symlinks point at.
    /// - Throws: `SimError.io` when the directory cannot be written.
    /// - Parameter realEtcd: run one real etcd per member host (`RealEtcd`), started before returning.
    @discardableResult
    public static func create(at dir: String, description: ClusterDescription = .default,
                              toolPath: String, realEtcd: Bool = false) throws(SimError) -> SimCluster {
        let root = absolute(dir)
        let fm = FileManager.default
        let layout = SimLayout(directory: root)
        let real = RealEtcd(simDirectory: root)
        real.stopAll()
        try? fm.removeItem(atPath: real.directory)
        if fm.fileExists(atPath: layout.statePath) {
            try? fm.removeItem(atPath: layout.hostsDirectory)
            try? fm.removeItem(atPath: layout.binDirectory)
        }
        do {
            try fm.createDirectory(atPath: layout.binDirectory, withIntermediateDirectories: true)
            for tool in toolNames {
                try fm.createSymbolicLink(atPath: layout.binDirectory + "/" + tool, withDestinationPath: absolute(toolPath))
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(description).write(to: URL(fileURLWithPath: root + "/description.json"))
            try Data(absolute(toolPath).utf8).write(to: URL(fileURLWithPath: root + "/tool-path"))
        } catch { throw SimError.io("cannot create simulator in \(dir): \(error)") }
        var view = ClusterView(state: .initial(description), simDirectory: root)
        try HostFiles.write(view.state, simDirectory: root)
        view.reconcile()
        view.addInitialBarePod()
        do { try StateStore(directory: root).replace(with: view.state) } catch {
            throw SimError.io("cannot write state: \(error)")
        }
        try writeInventory(view.state, to: layout.inventoryPath)
        if realEtcd {
            do {
                let took = try real.setUp(state: view.state, toolPath: absolute(toolPath))
                try Data("\(took)\n".utf8).write(to: URL(fileURLWithPath: real.directory + "/startup-time"))
            } catch let e as SimError {
                real.stopAll()
                throw e
            } catch { real.stopAll(); throw SimError.io("\(error)") }
        }
        return try SimCluster(at: root)
    }

    /// Stops every process the simulator started (the real etcd members and their supervisor)
    /// and removes the directory. Returns what it stopped.
    public static func destroy(at dir: String) throws(SimError) -> [String] {
        let root = absolute(dir)
        guard FileManager.default.fileExists(atPath: SimLayout(directory: root).statePath) else {
            throw SimError.io("\(dir): not a simulator directory")
        }
        let stopped = RealEtcd(simDirectory: root).stopAll()
        do { try FileManager.default.removeItem(atPath: root) } catch { throw SimError.io("cannot remove \(dir): \(error)") }
        return stopped
    }

    /// The current state.
    /// - Throws: `SimError.io` when the state file is unreadable.
    public func state() throws(SimError) -> ClusterState {
        do { return try store.read() } catch let e as SimError { throw e } catch { throw SimError.io("\(error)") }
    }

    /// The state with the host trees, for rules that read files.
    public func view() throws(SimError) -> ClusterView { ClusterView(state: try state(), simDirectory: directory) }

    /// Adds a fault (a second identical fault is not added).
    public func inject(_ fault: Fault) throws(SimError) {
        let names = try state().hosts.map(\.name)
        switch fault {
        case .unhealthyEtcd(let h), .drainHangs(let h), .drainFails(let h), .noFreeExtents(let h), .unreachable(let h),
             .diskNotBlank(let h, _), .etcdPodGone(let h):
            guard names.contains(h) else { throw SimError.usage("no host '\(h)' in the simulated cluster") }
        case .commandFails, .commandHangs: break
        case .disruptionBudget(let dc, _):
            guard try state().controllers.contains(where: { $0.name == dc }) else {
                throw SimError.usage("no deployment config '\(dc)' in the simulated cluster")
            }
        }
        try mutate { if !$0.faults.contains(fault) { $0.faults.append(fault) } }
    }

    /// Removes every fault.
    public func clearFaults() throws(SimError) { try mutate { $0.faults = [] } }

    /// Enlarges a disk, as the hypervisor or cloud console does before the guide's "extend the
    /// existing disk" procedure (7.1.2: outside any runbook); a partition on it keeps its size.
    /// - Throws: `SimError.usage` for an unknown host or disk, or a size that is not larger.
    public func growDisk(host: String, device: String, toMiB size: Int) throws(SimError) {
        guard let current = try state().host(host)?.disks[device] else {
            throw SimError.usage("no disk '\(device)' on '\(host)' in the simulated cluster")
        }
        guard size > current else { throw SimError.usage("\(device) on \(host) has \(current) MiB already; a disk only grows") }
        try mutate { state in
            if let i = state.hostIndex(host) { state.hosts[i].disks[device] = size }
        }
    }

    /// Recreates the cluster as it was at `create`, with the same description and tool path.
    public func reset() throws(SimError) {
        let fm = FileManager.default
        guard let data = fm.contents(atPath: directory + "/description.json"),
              let description = try? JSONDecoder().decode(ClusterDescription.self, from: data),
              let tool = fm.contents(atPath: directory + "/tool-path") else {
            throw SimError.io("\(directory): description.json or tool-path missing; run `runbook sim init` again")
        }
        try Self.create(at: directory, description: description, toolPath: String(decoding: tool, as: UTF8.self),
                        realEtcd: RealEtcd(simDirectory: directory).isEnabled)
    }

    func mutate(_ body: (inout ClusterState) -> Void) throws(SimError) {
        do { try store.update { body(&$0) } } catch let e as SimError { throw e } catch { throw SimError.io("\(error)") }
    }

    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    static func writeInventory(_ state: ClusterState, to path: String) throws(SimError) {
        var out = "# Generated by `runbook sim init`: every host is reached through the simulator.\nhosts:\n"
        for h in state.hosts { out += "  \(h.name):\n    address: \(h.ip)\n    transport: sim\n" }
        out += "groups:\n"
        for g in ["masters", "etcd", "nodes", "infra", "app", "lb", "new_etcd"] {
            out += "  \(g): [\((state.groups[g] ?? []).joined(separator: ", "))]\n"
        }
        do { try Data(out.utf8).write(to: URL(fileURLWithPath: path)) } catch { throw SimError.io("cannot write \(path)") }
    }
}

extension SimCluster {
    /// The `runbook-sim` executable installed next to the running program (`/proc/self/exe`),
    /// which is where `runbook run|plan --sim` and `runbook sim init` find it.
    public static func defaultToolPath() -> String {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return ((exe as NSString).deletingLastPathComponent as NSString).appendingPathComponent("runbook-sim")
    }

    /// Creates a fresh default cluster in a new temporary directory (for `runbook run FILE --sim`
    /// without a directory) and returns it; the caller prints where it is.
    /// - Throws: `SimError.io` when the directory cannot be created.
    public static func createTemporary(description: ClusterDescription = .default,
                                       toolPath: String = defaultToolPath()) throws(SimError) -> SimCluster {
        let dir = NSTemporaryDirectory() + "runbook-sim-" + String(UUID().uuidString.prefix(8)).lowercased()
        return try create(at: dir, description: description, toolPath: toolPath)
    }

    /// The transport-ready inventory written by `create` (`<dir>/inventory.yaml`).
    public var inventoryPath: String { SimLayout(directory: directory).inventoryPath }
}
