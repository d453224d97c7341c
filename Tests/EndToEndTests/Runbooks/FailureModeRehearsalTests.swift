import Foundation
import Testing

/// Failure modes from docs/runbooks.md's tables that neither a runbook-specific suite nor a
/// scenario (runbooks/tests) covers fully: each run ends non-zero and the simulated cluster (and
/// every host file but the run's own backups) is as before - refused before any change, or
/// rolled back to the prior state.
@Suite("failure modes: refused or rolled back")
struct FailureModeRehearsalTests {
    /// Host files that are a run's own backups (backup-master-host, backup-etcd write them).
    static func backup(_ path: String) -> Bool { path.contains("/root/backup/") }

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
}
