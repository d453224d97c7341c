import Foundation

/// `oc adm drain NODE`: cordon, then refuse or evict like kubectl 1.11.
enum OcDrain {
    static let bareMessage = "pods not managed by ReplicationController, ReplicaSet, Job, DaemonSet or StatefulSet"

    enum Outcome { case drained, hang, evict([SimPod]) }

    /// The termination grace period a pod gets when `--grace-period` is not given (the pod's
    /// `terminationGracePeriodSeconds`, Kubernetes' default).
    static let defaultGraceSeconds = 30
    /// kubectl 1.11 retries an eviction refused with 429 after this long.
    static let retrySeconds = 5
    static let budgetMessage = "Cannot evict pod as it would violate the pod's disruption budget."

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
            return .evict(pods.filter { daemon.firstIndex(of: $0) == nil })
        }
        switch outcome {
        case .drained:
            c.out("node/\(name) drained\n")
            return 0
        case .evict(let pods):
            try evict(c, a, node: name, pods: pods)
            c.out("node/\(name) drained\n")
            return 0
        case .hang:
            let stuck = try c.view().state.pods.first { pod in
                if case .daemonSet = pod.owner { return false }
                return pod.node == name
            }
            let podName = stuck?.name ?? "router-1-stuck"
            c.out("evicting pod \"\(podName)\"\n")
            c.err("error when evicting pod \"\(podName)\" (will retry after 5s): \(budgetMessage)\n")
            // A hang in wall time (for kill tests): until --timeout, or until killed.
            let limit = a["timeout"].flatMap(seconds) ?? 0
            let start = Date()
            while limit == 0 || Date().timeIntervalSince(start) < limit { usleep(100_000) }
            throw timedOut(c, node: name, timeout: a["timeout"] ?? "", pending: [podName])
        }
    }

    /// Evicts `pods` like kubectl 1.11's `evictPods`, in simulated time: every pod is evicted at
    /// once; an eviction a disruption budget refuses is retried every 5 s; an evicted pod is gone
    /// after its grace period; the drain fails when that does not all happen within `--timeout`
    /// (0: no limit). The simulated clock advances by the time the drain took; only a drain that
    /// waits on a budget with no timeout takes wall time (one retry a second), until killed.
    static func evict(_ c: ToolContext, _ a: Arguments, node: String, pods: [SimPod]) throws {
        let limit = a["timeout"].flatMap(seconds) ?? 0
        let grace = a["grace-period"].flatMap { Int($0) }.flatMap { $0 >= 0 ? $0 : nil } ?? defaultGraceSeconds
        var waiting = pods, now = 0, gone: [(pod: SimPod, at: Int)] = []
        while true {
            let attempt = now
            waiting = try c.update { v -> [SimPod] in
                var refused: [SimPod] = []
                for p in waiting {
                    if budgetRefuses(p, v) { refused.append(p); continue }
                    v.state.pods.removeAll { $0.name == p.name && $0.namespace == p.namespace }
                    gone.append((p, attempt + grace))
                }
                return refused
            }
            for p in waiting { c.err("error when evicting pod \"\(p.name)\" (will retry after 5s): \(budgetMessage)\n") }
            if waiting.isEmpty { break }
            now += retrySeconds
            if limit > 0, Double(now) >= limit { break }
            if limit == 0 { usleep(1_000_000) }
        }
        let end = gone.map(\.at).max() ?? 0
        let timedOutAt = limit > 0 && (!waiting.isEmpty || Double(end) > limit) ? Int(limit.rounded(.up)) : nil
        let elapsed = timedOutAt ?? end
        let inOrder = gone.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
        for g in inOrder where g.at <= elapsed { c.out("pod/\(g.pod.name) evicted\n") }
        try c.update { v in v.state.simulatedSeconds = (v.state.simulatedSeconds ?? 0) + elapsed }
        if timedOutAt != nil {
            let pending = waiting.map(\.name) + inOrder.filter { $0.at > elapsed }.map(\.pod.name)
            throw timedOut(c, node: node, timeout: a["timeout"] ?? "", pending: pending)
        }
    }

    /// Whether a disruption budget refuses evicting `pod` now: its healthy pods (Running on a
    /// Ready node) less this one would fall below the budget's `minAvailable` (the API server's
    /// eviction check, answered with 429).
    static func budgetRefuses(_ pod: SimPod, _ v: ClusterView) -> Bool {
        guard let dc = pod.labels["deploymentconfig"] else { return false }
        return v.state.faults.contains { fault in
            guard case .disruptionBudget(let name, let minAvailable) = fault, name == dc,
                  let c = v.state.controllers.first(where: { $0.name == name }), c.namespace == pod.namespace else { return false }
            let healthy = v.state.pods.filter {
                $0.namespace == pod.namespace && $0.labels["deploymentconfig"] == dc && !$0.node.isEmpty && v.nodeReady($0.node)
            }
            return healthy.count - 1 < minAvailable
        }
    }

    static func timedOut(_ c: ToolContext, node: String, timeout: String, pending: [String]) -> ToolExit {
        let pods = pending.map { "pod/\($0)\n" }.joined()
        let timeout = seconds(timeout).map(goDuration) ?? timeout
        return c.fail("There are pending pods in node \"\(node)\" when an error occurred: Drain did not complete within \(timeout)\n\(pods)error: unable to drain node \"\(node)\", aborting command...\n\nThere are pending nodes to be drained:\n \(node)\nerror: Drain did not complete within \(timeout)")
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

    /// A duration as Go's `time.Duration.String` prints it (`1s`, `100ms`, `10m0s`, `1h30m0s`).
    static func goDuration(_ total: Double) -> String {
        if total == 0 { return "0s" }
        if total < 1 {
            let ms = total * 1000
            if ms >= 1 { return trimmed(ms) + "ms" }
            return trimmed(ms * 1000) + "µs"
        }
        let whole = Int(total), fraction = total - Double(whole)
        let h = whole / 3600, m = whole % 3600 / 60, s = Double(whole % 60) + fraction
        var out = ""
        if h > 0 { out += "\(h)h" }
        if h > 0 || m > 0 { out += "\(m)m" }
        return out + trimmed(s) + "s"
    }

    static func trimmed(_ value: Double) -> String {
        var text = String(format: "%.9f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// Go durations: `0s`, `60s`, `5m`, `1h30m`, `500ms`, a bare `0`.
    static func validDuration(_ text: String) -> Bool {
        if text == "0" { return true }
        let pattern = #"^([0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h))+$"#
        return text.range(of: pattern, options: .regularExpression) != nil
    }
}
