import Foundation

/// `oc adm drain NODE`: cordon, then refuse or evict like kubectl 1.11.
enum OcDrain {
    static let bareMessage = "pods not managed by ReplicationController, ReplicaSet, Job, DaemonSet or StatefulSet"

    enum Outcome { case drained, hang }

    static func run(_ c: ToolContext, _ a: Arguments) throws -> Int32 {
        guard a.positionals.count == 1, let name = a.positionals.first else {
            throw c.fail("error: USAGE: drain NODE [flags]\nSee 'oc adm drain -h' for help and examples.")
        }
        if let g = a["grace-period"], Int(g) == nil {
            throw c.fail("Error: invalid argument \"\(g)\" for \"--grace-period\" flag: strconv.ParseInt: parsing \"\(g)\": invalid syntax\n\n\nSee 'oc adm drain -h' for help and examples.")
        }
        if let t = a["timeout"], !validDuration(t) {
            throw c.fail("Error: invalid argument \"\(t)\" for \"--timeout\" flag: time: invalid duration \(t)\n\n\nSee 'oc adm drain -h' for help and examples.")
        }
        let outcome = try c.update { v -> Outcome in
            try OcTool.requireAPI(c, v)
            guard let i = v.state.nodeIndex(name) else { throw OcNodes.notFound(c, name) }
            if v.state.nodes[i].schedulable {
                v.state.nodes[i].schedulable = false
                c.out("node/\(name) cordoned\n")
            } else {
                c.out("node/\(name) already cordoned\n")
            }
            if v.state.faults.contains(.drainFails(node: name)) {
                throw abort(c, name, "error: Internal error occurred: unable to evict pods from node \(name) (simulated fault drain-fails)")
            }
            let pods = v.state.pods.filter { $0.node == name }
            let daemon = pods.filter { if case .daemonSet = $0.owner { return true } else { return false } }
            let bare = pods.filter { $0.owner == .bare }
            var errors: [String] = [], warnings: [String] = []
            if !daemon.isEmpty {
                if a.flag("ignore-daemonsets") { warnings.append("Ignoring DaemonSet-managed pods: " + list(daemon)) } else {
                    errors.append("DaemonSet-managed pods (use --ignore-daemonsets to ignore): " + list(daemon))
                }
            }
            if !bare.isEmpty {
                if a.flag("force") { warnings.append("Deleting \(bareMessage): " + list(bare)) } else {
                    errors.append("\(bareMessage) (use --force to override): " + list(bare))
                }
            }
            let localAll = pods.filter(\.localData)
            if !localAll.isEmpty {
                if a.flag("delete-local-data") { warnings.append("Deleting pods with local storage: " + list(localAll)) } else {
                    errors.append("pods with local storage (use --delete-local-data to override): " + list(localAll))
                }
            }
            if !errors.isEmpty { throw abort(c, name, "error: " + errors.joined(separator: ", ")) }
            if !warnings.isEmpty { c.err("WARNING: " + warnings.joined(separator: "; ") + "\n") }
            if v.state.faults.contains(.drainHangs(node: name)) { return .hang }
            if a.flag("dry-run") { c.out("node/\(name) drained (dry run)\n"); return .drained }
            for p in pods where daemon.firstIndex(of: p) == nil {
                v.state.pods.removeAll { $0.name == p.name && $0.namespace == p.namespace }
                c.out("pod/\(p.name) evicted\n")
            }
            return .drained
        }
        switch outcome {
        case .drained:
            c.out("node/\(name) drained\n")
            return 0
        case .hang:
            let stuck = try c.view().state.pods.first { pod in
                if case .daemonSet = pod.owner { return false }
                return pod.node == name
            }
            let podName = stuck?.name ?? "router-1-stuck"
            c.out("evicting pod \"\(podName)\"\n")
            c.err("error when evicting pod \"\(podName)\" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.\n")
            // Stuck like an eviction blocked by a disruption budget: until --timeout, or until killed.
            let limit = a["timeout"].flatMap(seconds) ?? 0
            let start = Date()
            while limit == 0 || Date().timeIntervalSince(start) < limit { usleep(100_000) }
            let t = a["timeout"] ?? ""
            throw c.fail("There are pending pods in node \"\(name)\" when an error occurred: Drain did not complete within \(t)\npod/\(podName)\nerror: unable to drain node \"\(name)\", aborting command...\n\nThere are pending nodes to be drained:\n \(name)\nerror: Drain did not complete within \(t)")
        }
    }

    static func list(_ pods: [SimPod]) -> String { pods.map(\.name).joined(separator: ", ") }

    static func abort(_ c: ToolContext, _ node: String, _ reason: String) -> ToolExit {
        c.fail("error: unable to drain node \"\(node)\", aborting command...\n\nThere are pending nodes to be drained:\n \(node)\n\(reason)")
    }

    /// Seconds in a Go duration (`90s`, `1m30s`, `500ms`); nil when malformed.
    static func seconds(_ text: String) -> Double? {
        guard validDuration(text) else { return nil }
        var total = 0.0, number = "", i = text.startIndex
        while i < text.endIndex {
            let ch = text[i]
            if ch.isNumber || ch == "." { number.append(ch); i = text.index(after: i); continue }
            var unit = String(ch)
            let next = text.index(after: i)
            if next < text.endIndex, text[next] == "s", ch != "s" { unit.append("s"); i = text.index(after: next) } else { i = next }
            let value = Double(number) ?? 0
            number = ""
            switch unit {
            case "h": total += value * 3600
            case "m": total += value * 60
            case "s": total += value
            case "ms": total += value / 1000
            default: total += value / 1_000_000
            }
        }
        return total
    }

    /// Go durations: `0s`, `60s`, `5m`, `1h30m`, `500ms`, a bare `0`.
    static func validDuration(_ text: String) -> Bool {
        if text == "0" { return true }
        let pattern = #"^([0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h))+$"#
        return text.range(of: pattern, options: .regularExpression) != nil
    }
}
