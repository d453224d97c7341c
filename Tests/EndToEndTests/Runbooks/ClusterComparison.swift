import Foundation
import Testing

/// Comparisons of `runbook sim state --output json` documents, normalising only what legitimately
/// differs between two states that are "the same cluster".
enum ClusterComparison {
    /// The state without what changes on every write or with the wall clock:
    /// - `sequence` is the simulator's write counter: any read-modify-write bumps it (a cordon
    ///   followed by its rollback is two writes), so equal clusters differ in it.
    /// - `faults` are the rehearsal's own injections; `command-fails` faults are consumed as they
    ///   fire. Tests assert the faults they expect separately.
    /// - `simulatedSeconds` is the simulated clock: a drain advances it, and a rollback does not
    ///   turn it back.
    /// - a pod's `created` is the wall-clock time it was created (initial objects: `sim init`'s
    ///   time minus 3 days), so two simulators made a second apart differ in it.
    static func comparable(_ state: [String: Any], dropping: Set<String> = []) -> NSDictionary {
        var state = state
        for key in dropping.union(["sequence", "faults", "simulatedSeconds"]) { state.removeValue(forKey: key) }
        state["pods"] = pods(state).map { $0 as NSDictionary }
        return state as NSDictionary
    }

    /// The pods, each without `created`, sorted by namespace and name.
    static func pods(_ state: [String: Any]) -> [[String: Any]] {
        let pods = (state["pods"] as? [[String: Any]]) ?? []
        return pods.map { pod in
            var pod = pod
            pod.removeValue(forKey: "created")
            return pod
        }.sorted { key($0) < key($1) }
    }

    static func key(_ pod: [String: Any]) -> String { "\(pod["namespace"] ?? "")/\(pod["name"] ?? "")" }

    static func isDaemonSetPod(_ pod: [String: Any]) -> Bool {
        (pod["owner"] as? [String: Any])?["daemonSet"] != nil
    }

    /// The owner of a pod as one string (`replicationController:frontend-1`, `none` for a bare pod).
    static func owner(_ pod: [String: Any]) -> String {
        guard let owner = pod["owner"] as? [String: Any], let kind = owner.keys.sorted().first else { return "none" }
        let name = (owner[kind] as? [String: Any])?["_0"] ?? ""
        return "\(kind):\(name)"
    }

    static func podNode(_ pod: [String: Any]) -> String { pod["node"] as? String ?? "" }

    /// The node's entry in `nodes` (nil once deleted).
    static func node(_ state: [String: Any], _ name: String) -> [String: Any]? {
        ((state["nodes"] as? [[String: Any]]) ?? []).first { $0["name"] as? String == name }
    }

    /// A host's entry in `hosts`.
    static func host(_ state: [String: Any], _ name: String) -> [String: Any]? {
        ((state["hosts"] as? [[String: Any]]) ?? []).first { $0["name"] as? String == name }
    }

    /// Whether a systemd unit is active on a host.
    static func serviceActive(_ state: [String: Any], _ host: String, _ unit: String) -> Bool? {
        ((self.host(state, host)?["services"] as? [String: Any])?[unit] as? [String: Any])?["active"] as? Bool
    }

    /// A host's docker storage (`physicalVolumes`, `lvSizeMiB`, `fsSizeMiB` …).
    static func storage(_ state: [String: Any], _ host: String) -> [String: Any] {
        self.host(state, host)?["storage"] as? [String: Any] ?? [:]
    }

    /// VSize in MiB: the sum of the physical volumes.
    static func vgSizeMiB(_ state: [String: Any], _ host: String) -> Int {
        ((storage(state, host)["physicalVolumes"] as? [String: Int]) ?? [:]).values.reduce(0, +)
    }

    /// Asserts that `after` is `before` except for the evictions of a drain of `node`, which the
    /// guide's procedure does not undo (drain-node's docs: "evicted pods stay where they were
    /// rescheduled"): the node's non-DaemonSet pods are gone, every other pod is untouched, and
    /// each evicted pod of a controller has one replacement with the same owner on another node.
    /// `except` lists further top-level keys the caller asserts itself.
    static func expectEqualExceptEvictions(before: [String: Any], after: [String: Any], drained node: String,
                                           except: Set<String> = [],
                                           sourceLocation: SourceLocation = #_sourceLocation) {
        let dropped = except.union(["pods"])
        #expect(comparable(before, dropping: dropped) == comparable(after, dropping: dropped), "state changed besides the evictions", sourceLocation: sourceLocation)

        let podsBefore = pods(before), podsAfter = pods(after)
        let evicted = podsBefore.filter { podNode($0) == node && !isDaemonSetPod($0) }
        let kept = podsBefore.filter { !(podNode($0) == node && !isDaemonSetPod($0)) }
        #expect(!evicted.isEmpty, "the drain should have evicted something", sourceLocation: sourceLocation)
        let keptKeys = Set(kept.map(key))
        let stillThere = podsAfter.filter { keptKeys.contains(key($0)) }
        #expect(stillThere.map { $0 as NSDictionary } == kept.map { $0 as NSDictionary },
                "pods that were not evicted must be untouched", sourceLocation: sourceLocation)
        let replacements = podsAfter.filter { !keptKeys.contains(key($0)) }
        #expect(replacements.allSatisfy { podNode($0) != node }, sourceLocation: sourceLocation)
        #expect(replacements.map(owner).sorted() == evicted.map(owner).filter { $0 != "none" }.sorted(),
                "one replacement per evicted controller pod", sourceLocation: sourceLocation)
    }
}
