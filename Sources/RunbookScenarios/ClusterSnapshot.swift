import Foundation
import SimulatorKit

/// The simulated cluster at one moment, for `unchanged: true`: the state (without what only
/// counts writes or lists the scenario's own faults) and every regular file of every host tree.
struct ClusterSnapshot: Sendable {
    var state: ClusterState
    /// `host:/path` -> the file's bytes. Directories are not compared: the sandbox leaves empty
    /// mount points (`/etc/alternatives`) and an empty directory from `mkdir -p` changes nothing.
    var files: [String: Data]

    /// Reads the cluster now.
    /// - Throws: `SimError.io` when the state file is unreadable.
    static func take(_ cluster: SimCluster) throws(SimError) -> ClusterSnapshot {
        var state = try cluster.state()
        // `sequence` counts writes (a read-modify-write bumps it even when nothing changes);
        // `command-fails` faults are consumed as they fire; the simulated clock only moves
        // forward (a rollback does not turn it back): none of them is the cluster.
        state.sequence = 0
        state.faults = []
        state.simulatedSeconds = 0
        state.pods.sort { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
        var files: [String: Data] = [:]
        let layout = SimLayout(directory: cluster.directory)
        for host in state.hosts.map(\.name) {
            let root = layout.tree(of: host).root
            let walker = FileManager.default.enumerator(atPath: root)
            while let entry = walker?.nextObject() as? String {
                let real = root + "/" + entry
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: real, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
                files["\(host):/\(entry)"] = FileManager.default.contents(atPath: real) ?? Data()
            }
        }
        return ClusterSnapshot(state: state, files: files)
    }

    /// What differs from `before`, ignoring host paths under `except`; empty when nothing does.
    func differences(from before: ClusterSnapshot, except: [String]) -> [String] {
        var found: [String] = []
        let a = before.state, b = state
        if a.hosts != b.hosts {
            let changed = zip(a.hosts, b.hosts).filter { $0 != $1 }.map(\.0.name)
            found.append("hosts \(changed.isEmpty ? "added or removed" : changed.joined(separator: ", "))")
        }
        if a.nodes != b.nodes { found.append("nodes") }
        if a.pods != b.pods { found.append("pods") }
        if a.controllers != b.controllers { found.append("controllers") }
        if a.daemonSets != b.daemonSets { found.append("daemon sets") }
        if a.etcdMembers != b.etcdMembers || a.etcdClusterID != b.etcdClusterID { found.append("etcd members") }
        if a.etcdData != b.etcdData || a.etcdRevision != b.etcdRevision { found.append("etcd data") }
        if a.storageClasses != b.storageClasses { found.append("storage classes") }
        if a.groups != b.groups { found.append("inventory groups") }
        if found.isEmpty, a != b { found.append("the cluster state") }
        func ignored(_ key: String) -> Bool {
            guard let colon = key.firstIndex(of: ":") else { return false }
            let path = key[key.index(after: colon)...]
            return except.contains { path == $0 || path.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }
        }
        let paths = Set(before.files.keys).union(files.keys).filter { !ignored($0) }.sorted()
        for path in paths where before.files[path] != files[path] {
            found.append(before.files[path] == nil ? "\(path) created" : files[path] == nil ? "\(path) removed" : "\(path) changed")
        }
        return found
    }
}
