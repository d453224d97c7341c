import Foundation
import SimulatorKit

/// The cluster checks of a scenario, against the simulated cluster's end state.
enum ClusterAssertions {
    /// nil when the check holds, else "expected …, got …". `before`: the cluster before the run
    /// (taken when a check is `unchanged`).
    static func problem(_ check: Scenario.ClusterCheck, in state: ClusterState, cluster: SimCluster,
                        before: ClusterSnapshot?) -> String? {
        switch check {
        case .nodeSchedulable(let name, let expected):
            guard let node = state.node(name) else { return "node \(name): expected it to exist, it does not" }
            return node.schedulable == expected ? nil
                : "node \(name): expected schedulable \(expected), got \(node.schedulable)"
        case .podsOn(let name, let expected):
            let count = state.pods.filter { pod in
                guard pod.node == name else { return false }
                if case .daemonSet = pod.owner { return false }
                return true
            }.count
            return count == expected ? nil : "pods on \(name) (not DaemonSet pods): expected \(expected), got \(count)"
        case .etcdMembers(let expected):
            let names = state.etcdMembers.map(\.name).sorted()
            return names == expected.sorted() ? nil
                : "etcd members: expected \(expected.sorted().joined(separator: ", ")), got \(names.joined(separator: ", "))"
        case .haproxyBackends(let host, let expected):
            guard let found = state.host(host)?.haproxyBackends else { return "host \(host): not in the cluster" }
            return found.sorted() == expected.sorted() ? nil
                : "haproxy backends on \(host): expected \(expected.sorted().joined(separator: ", ")), got \(found.sorted().joined(separator: ", "))"
        case .fileContains(let host, let pattern, let text, let present):
            let tree = SimLayout(directory: cluster.directory).tree(of: host)
            // A `*` in a path component matches names there (a dated backup directory); one match is required.
            let matches = expand(pattern, in: tree)
            if matches.count > 1 { return "\(host):\(pattern): expected one file, found \(matches.count): \(matches.joined(separator: ", "))" }
            let path = matches.first ?? pattern
            let content = tree.read(path)
            let contains = content?.contains(text) ?? false
            if contains == present { return nil }
            return "\(host):\(path): expected it \(present ? "to contain" : "not to contain") '\(text)'"
                + (content == nil ? " (the file does not exist)" : "")
        case .volumeGroupFreeAtLeast(let host, let least):
            guard let storage = state.host(host)?.storage else { return "host \(host): no docker storage" }
            return storage.vgFreeMiB >= least ? nil : "free space in \(storage.volumeGroup) on \(host): expected at least \(least) MiB, got \(storage.vgFreeMiB)"
        case .etcdKey(let key, let expected):
            let found: String?
            let real = RealEtcd(simDirectory: cluster.directory)
            if real.isEnabled {
                // Real members hold the data (`etcdctl put` never reaches the simulated model).
                do { found = try real.value(ofKey: key, state: state) } catch { return "etcd key \(key): cannot read it from the real members: \(error)" }
            } else {
                found = state.etcdData?[key]
            }
            if found == expected { return nil }
            return "etcd key \(key): expected " + (expected.map { "'\($0)'" } ?? "no such key") + ", got " + (found.map { "'\($0)'" } ?? "no such key")
        case .unchanged(let except):
            guard let before else { return "unchanged: no snapshot was taken before the run" }
            let after: ClusterSnapshot
            do { after = try ClusterSnapshot.take(cluster) } catch { return "unchanged: cannot read the cluster: \(error)" }
            let changed = after.differences(from: before, except: except)
            guard !changed.isEmpty else { return nil }
            let shown = changed.prefix(8).joined(separator: "; ") + (changed.count > 8 ? "; … (\(changed.count) in all)" : "")
            return "unchanged: expected the cluster as before the run, got changes: \(shown)"
        }
    }

    /// The paths matching `pattern`, whose components may hold `*` (shell `fnmatch`); a pattern without `*` is itself.
    static func expand(_ pattern: String, in tree: HostTree) -> [String] {
        guard pattern.contains("*") else { return [pattern] }
        var paths = [""]
        for component in pattern.split(separator: "/").map(String.init) {
            paths = paths.flatMap { base -> [String] in
                guard component.contains("*") else { return [base + "/" + component] }
                return tree.list(base.isEmpty ? "/" : base).filter { fnmatch(component, $0, 0) == 0 }.map { base + "/" + $0 }
            }
        }
        return paths.filter { tree.exists($0) }
    }
}
