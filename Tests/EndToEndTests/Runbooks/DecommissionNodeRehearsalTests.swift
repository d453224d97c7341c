import Foundation
import Testing

/// decommission-node rehearsed end to end in the simulator with the built binary.
@Suite("decommission-node rehearsal")
struct DecommissionNodeRehearsalTests {
    static let node = "node-1.example.com"

    @Test("removes an app node: gone from oc get nodes, its pods rescheduled, its node service stopped and disabled")
    func decommissions() throws {
        let sim = try NodeRehearsal()
        let before = try sim.stateJSON()
        let result = sim.run("decommission-node", ["node": Self.node])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("confirm-delete: approved by --yes"))
        let after = try sim.stateJSON()
        #expect(ClusterComparison.node(after, Self.node) == nil)
        let nodes = try sim.tool("oc", ["get", "nodes"])
        #expect(nodes.contains("node-0.example.com"))
        // By the NAME column: infra-node-1.example.com contains node-1.example.com.
        #expect(!nodes.split(separator: "\n").contains { $0.hasPrefix(Self.node + " ") })
        #expect(ClusterComparison.pods(after).allSatisfy { ClusterComparison.podNode($0) != Self.node })
        #expect(ClusterComparison.serviceActive(after, Self.node, "atomic-openshift-node") == false)
        let unit = (ClusterComparison.host(after, Self.node)?["services"] as? [String: Any])?["atomic-openshift-node"] as? [String: Any]
        #expect(unit?["enabled"] as? Bool == false)
        // The evicted frontend pod was replaced on another compute node.
        let frontends = ClusterComparison.pods(after).filter { ClusterComparison.owner($0) == "replicationController:frontend-1" }
        #expect(frontends.count == 3)
        #expect(ClusterComparison.pods(before).filter { ClusterComparison.owner($0) == "replicationController:frontend-1" }.count == 3)
        sim.expectAuditIntact(try sim.onlyRun())
    }

    @Test("a dead node (unreachable): removed with unreachable=true after its NotReady check, without drain or on-node steps")
    func removesDeadNode() throws {
        let sim = try NodeRehearsal()
        try sim.fault("unreachable", Self.node)
        let before = try sim.stateJSON()
        let result = sim.run("decommission-node", ["node": Self.node, "unreachable": "true"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("confirm-dead-node: approved by --yes"), "\(result.output)")
        #expect(!result.output.contains("drain/"), "\(result.output)")
        let after = try sim.stateJSON()
        #expect(ClusterComparison.node(after, Self.node) == nil)
        // Nothing ran on the dead host: its services are as they were.
        #expect(NSDictionary(dictionary: ClusterComparison.host(after, Self.node) ?? [:])
                == NSDictionary(dictionary: ClusterComparison.host(before, Self.node) ?? [:]))
        sim.expectAuditIntact(try sim.onlyRun())
    }

    @Test("oc delete node fails: exit 1, node service and scheduling restored; evicted pods stay where they went")
    func deleteFailsRollsBack() throws {
        let sim = try NodeRehearsal()
        try sim.fault("command-fails", "oc", "delete node", "1")
        let before = try sim.stateJSON()
        let result = sim.run("decommission-node", ["node": Self.node])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("↶ stop-node-service@\(Self.node) rolled back"))
        #expect(result.output.contains("↶ drain/cordon@master-0.example.com rolled back"))
        let after = try sim.stateJSON()
        // The runbook's docs: "Pods that were evicted are not moved back"; everything else is as before.
        ClusterComparison.expectEqualExceptEvictions(before: before, after: after, drained: Self.node)
        #expect(ClusterComparison.node(after, Self.node)?["schedulable"] as? Bool == true)
        #expect(ClusterComparison.serviceActive(after, Self.node, "atomic-openshift-node") == true)
        sim.expectAuditIntact(try sim.onlyRun())
    }

    @Test("kill -9 during the drain, then resume: same cluster as an uninterrupted decommission")
    func killAndResume() throws {
        let reference = try NodeRehearsal()
        #expect(reference.run("decommission-node", ["node": Self.node]).status == 0)

        let sim = try NodeRehearsal()
        try sim.fault("command-fails", "oc", "adm drain", "1")
        let run = try sim.runAndKill("decommission-node", ["node": Self.node], at: "attemptFinished", step: "drain/drain@") {
            $0["status"] as? String == "exit 1"
        }
        sim.expectAuditIntact(run)
        let resumed = sim.resume(run)
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(resumed.output.contains("✔ delete-node@master-0.example.com"))
        sim.expectAuditIntact(run)
        #expect(ClusterComparison.comparable(try sim.stateJSON()) == ClusterComparison.comparable(try reference.stateJSON()))
    }
}
