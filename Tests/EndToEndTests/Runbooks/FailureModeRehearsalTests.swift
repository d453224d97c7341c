import Foundation
import Testing

/// Failure modes from docs/runbooks.md's tables that neither a runbook-specific suite nor a
/// scenario (runbooks/tests) covers fully: each run ends non-zero and the simulated cluster (and
/// every host file but the run's own backups) is as before - refused before any change, or
/// rolled back to the prior state.
@Suite("failure modes: refused or rolled back")
struct FailureModeRehearsalTests {
    /// Host files that are a run's own backups (backup-master-host, backup-etcd write them).
    static func backup(_ path: String) -> Bool {
        path.contains("/root/backup/") || path.hasPrefix("localhost/root/backups/")   // on the host, or fetched to the simulated controller
    }

    @Test("decommission-master when the inventory no longer lists the master: the edit matches nothing, rolled back (the node re-registers)")
    func decommissionMasterInventoryLineMissing() throws {
        let sim = try MasterSim()
        defer { sim.remove() }
        let path = "\(sim.sim)/hosts/master-0.example.com/root/etc/ansible/hosts"
        let inventory = try String(contentsOfFile: path, encoding: .utf8)
        try inventory.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("master-1.example.com") }
            .joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let before = try sim.comparableState()
        // The run's own backups, and backup-etcd's snapshot next to the data, stay.
        let ownBackup = { (path: String) in Self.backup(path) || path.hasSuffix("/var/lib/etcd/snapshot.db") }
        let files = sim.hostFiles(excluding: ownBackup)
        let result = sim.run("decommission-master", ["master": "master-1.example.com", "allow_unsafe_count": "true"])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("failed at inventory-remove@master-0.example.com: edit: /etc/ansible/hosts: delete lines matching"),
                "\(result.output)")
        #expect(result.output.contains("completed steps were rolled back"), "\(result.output)")
        // Every file is as before (haproxy.cfg, the manifests, the inventory ...); in the cluster
        // only what decommission-node's docs list as not undone differs: `oc delete node` is undone
        // by the node registering again (a new node object; its DaemonSet pod comes back).
        #expect(sim.hostFiles(excluding: ownBackup) == files)
        let after = try sim.comparableState()
        for key in ["etcdMembers", "hosts", "controllers", "daemonSets", "groups"] {
            #expect(after[key] as? NSObject == before[key] as? NSObject, "\(key) changed")
        }
        let node = ((after["nodes"] as? [[String: Any]]) ?? []).first { $0["name"] as? String == "master-1.example.com" }
        #expect(node?["schedulable"] as? Bool == true)
    }

    @Test("decommission-node with remove_lb_backend for a node haproxy does not list: the edit matches nothing, rolled back")
    func decommissionNodeLbLineMissing() throws {
        let sim = try NodeRehearsal()
        let before = try sim.stateJSON()
        let haproxy = sim.file("lb.example.com", "/etc/haproxy/haproxy.cfg")
        let result = sim.run("decommission-node", ["node": "node-1.example.com", "remove_lb_backend": "true"])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("failed at haproxy-remove-backend@lb.example.com: edit: /etc/haproxy/haproxy.cfg: delete lines matching"),
                "\(result.output)")
        #expect(sim.file("lb.example.com", "/etc/haproxy/haproxy.cfg") == haproxy)
        // Evicted pods stay where they went (the runbook's docs); everything else is as before.
        ClusterComparison.expectEqualExceptEvictions(before: before, after: try sim.stateJSON(), drained: "node-1.example.com")
    }

    @Test("drain-node held by a disruption budget (a PDB refuses the eviction until --timeout): rolled back, the node schedulable again")
    func drainHeldByBudget() throws {
        let sim = try NodeRehearsal()
        try sim.fault("disruption-budget", "frontend", "3")
        let before = try sim.stateJSON()
        // An app node with only a frontend pod (and its DaemonSet pod): nothing else gets evicted.
        let pods = ClusterComparison.pods(before)
        let node = try #require(["node-0.example.com", "node-1.example.com", "node-2.example.com"].first { node in
            pods.filter { ClusterComparison.podNode($0) == node && !ClusterComparison.isDaemonSetPod($0) }
                .allSatisfy { ClusterComparison.owner($0) == "replicationController:frontend-1" }
        })
        let result = sim.run("drain-node", ["node": node, "drain_timeout": "30s"])
        #expect(result.status == 1, "\(result.output)")
        // Without the budget the same drain ends in time (30 s grace within --timeout=30s).
        #expect(result.output.contains("Drain did not complete within 30s"), "\(result.output)")
        #expect(result.output.contains("↶ cordon@master-0.example.com rolled back"), "\(result.output)")
        let after = try sim.stateJSON()
        #expect(ClusterComparison.comparable(after) == ClusterComparison.comparable(before))
        // Both attempts of the drain step waited the whole --timeout, in simulated time.
        #expect(after["simulatedSeconds"] as? Int == 60)
    }
}
