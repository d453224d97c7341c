import Foundation
import Testing

/// drain-node rehearsed end to end in the simulator with the built binary.
@Suite("drain-node rehearsal")
struct DrainNodeRehearsalTests {
    static let node = "node-1.example.com"

    @Test("drains an app node: unschedulable, only its DaemonSet pod left, its pods rescheduled elsewhere")
    func drains() throws {
        let sim = try NodeRehearsal()
        let before = try sim.stateJSON()
        let result = sim.run("drain-node", ["node": Self.node])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("✔ done"))
        let after = try sim.stateJSON()

        #expect(ClusterComparison.node(before, Self.node)?["schedulable"] as? Bool == true)
        #expect(ClusterComparison.node(after, Self.node)?["schedulable"] as? Bool == false)
        let left = ClusterComparison.pods(after).filter { ClusterComparison.podNode($0) == Self.node }
        #expect(left.map { $0["name"] as? String ?? "" } == ["sdn-m4n7n"])
        #expect(left.allSatisfy(ClusterComparison.isDaemonSetPod))
        // The frontend pod moved to another compute node; nothing else in the cluster changed
        // but the node's schedulable flag.
        ClusterComparison.expectEqualExceptEvictions(before: before, after: after, drained: Self.node, except: ["nodes"])
        var nodes = (before["nodes"] as? [[String: Any]]) ?? []
        if let i = nodes.firstIndex(where: { $0["name"] as? String == Self.node }) { nodes[i]["schedulable"] = false }
        #expect(nodes.map { $0 as NSDictionary } == ((after["nodes"] as? [[String: Any]]) ?? []).map { $0 as NSDictionary })
        sim.expectAuditIntact(try sim.onlyRun())
    }

    @Test("the guide's 5.3.1 infra example: --delete-local-data --force; the bare pod is gone, the router waits Pending")
    func infraNodeWithForce() throws {
        let sim = try NodeRehearsal()
        let node = "infra-node-1.example.com"
        let result = sim.run("drain-node", ["node": node, "delete_local_data": "true", "force": "true"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("confirm-force: approved by --yes"))
        let after = try sim.stateJSON()
        #expect(ClusterComparison.node(after, node)?["schedulable"] as? Bool == false)
        let pods = ClusterComparison.pods(after)
        #expect(pods.filter { ClusterComparison.podNode($0) == node }.allSatisfy(ClusterComparison.isDaemonSetPod))
        #expect(!pods.contains { $0["name"] as? String == "debug-pod" }, "a bare pod is deleted, not recreated")
        // Every infra node already runs a router (host ports 80/443): the new one stays Pending.
        let routers = pods.filter { ClusterComparison.owner($0) == "replicationController:router-1" }
        #expect(routers.count == 3)
        #expect(routers.filter { ClusterComparison.podNode($0).isEmpty }.count == 1)
        let registries = pods.filter { ClusterComparison.owner($0) == "replicationController:docker-registry-1" }
        #expect(registries.count == 3)
        #expect(registries.allSatisfy { ["infra-node-0.example.com", "infra-node-2.example.com"].contains(ClusterComparison.podNode($0)) })
        sim.expectAuditIntact(try sim.onlyRun())
    }

    @Test("plan --sim uses the simulator's inventory and changes nothing")
    func planAgainstSimulator() throws {
        let sim = try NodeRehearsal()
        let before = try sim.stateJSON()
        let plan = try CLI.run(["plan", "\(NodeRehearsal.runbooks)/drain-node.yaml", "--sim", sim.sim,
                                      "--param", "node=\(Self.node)"])
        #expect(plan.status == 0, "\(plan.output)")
        #expect(plan.output.contains("inventory: \(sim.sim)/inventory.yaml"))
        #expect(plan.output.contains("[master-0.example.com] $ oc adm manage-node \(Self.node) --schedulable=false"))
        #expect(plan.output.contains("8 steps, 2 change state; nothing has run."))
        #expect(try sim.stateJSON() as NSDictionary == before as NSDictionary)
        #expect(sim.runs().isEmpty)
    }

    @Test("drain-fails mid-way: exit 1, the cordon is rolled back, the cluster is as before")
    func drainFailsRollsBack() throws {
        let sim = try NodeRehearsal()
        try sim.fault("drain-fails", Self.node)
        let before = try sim.stateJSON()
        let result = sim.run("drain-node", ["node": Self.node])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("unable to evict pods from node \(Self.node) (simulated fault drain-fails)"))
        #expect(result.output.contains("↶ cordon@master-0.example.com rolled back"))
        #expect(result.output.contains("completed steps were rolled back"))
        let after = try sim.stateJSON()
        // The fault cordons, then fails before evicting: nothing to normalise but the write counter.
        #expect(ClusterComparison.comparable(after) == ClusterComparison.comparable(before))
        #expect(ClusterComparison.node(after, Self.node)?["schedulable"] as? Bool == true)
        #expect((after["faults"] as? [[String: Any]])?.count == 1)
        sim.expectAuditIntact(try sim.onlyRun())
    }

    @Test("a node an operator cordoned before the run stays cordoned when the drain fails and the run rolls back")
    func earlierCordonSurvivesRollback() throws {
        let sim = try NodeRehearsal()
        _ = try sim.tool("oc", ["adm", "manage-node", Self.node, "--schedulable=false"])
        try sim.fault("drain-fails", Self.node)
        let before = try sim.stateJSON()
        let result = sim.run("drain-node", ["node": Self.node])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("↶ cordon@master-0.example.com rolled back"), "\(result.output)")
        let after = try sim.stateJSON()
        #expect(ClusterComparison.node(after, Self.node)?["schedulable"] as? Bool == false)
        #expect(ClusterComparison.comparable(after) == ClusterComparison.comparable(before))
        sim.expectAuditIntact(try sim.onlyRun())
    }

    @Test("an infra node with a bare pod: the drain refuses without --force and the cordon is rolled back")
    func barePodRefused() throws {
        let sim = try NodeRehearsal()
        let before = try sim.stateJSON()
        let result = sim.run("drain-node", ["node": "infra-node-1.example.com", "delete_local_data": "true"])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("debug-pod"))
        #expect(result.output.contains("--force"))
        #expect(ClusterComparison.comparable(try sim.stateJSON()) == ClusterComparison.comparable(before))
        sim.expectAuditIntact(try sim.onlyRun())
    }

    @Test("kill -9 while the drain waits to retry, then resume: same cluster as an uninterrupted drain")
    func killAndResume() throws {
        let reference = try NodeRehearsal()
        #expect(reference.run("drain-node", ["node": Self.node]).status == 0)

        let sim = try NodeRehearsal()
        // The first `oc adm drain` fails; the step waits 5 s before its second attempt: kill then.
        try sim.fault("command-fails", "oc", "adm drain", "1")
        let run = try sim.runAndKill("drain-node", ["node": Self.node], at: "attemptFinished", step: "drain@") {
            $0["status"] as? String == "exit 1"
        }
        sim.expectAuditIntact(run)
        #expect(ClusterComparison.node(try sim.stateJSON(), Self.node)?["schedulable"] as? Bool == false)

        // drain is idempotent: resume runs it again without asking.
        let resumed = sim.resume(run)
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(resumed.output.contains("✔ drain@master-0.example.com"), "\(resumed.output)")
        #expect(!resumed.output.contains("node-exists@"), "completed steps are not run again")
        sim.expectAuditIntact(run)
        #expect(ClusterComparison.comparable(try sim.stateJSON()) == ClusterComparison.comparable(try reference.stateJSON()))
    }
}
