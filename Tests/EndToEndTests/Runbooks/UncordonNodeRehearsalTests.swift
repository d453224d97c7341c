import Foundation
import Testing

/// uncordon-node rehearsed end to end in the simulator with the built binary, after drain-node.
@Suite("uncordon-node rehearsal")
struct UncordonNodeRehearsalTests {
    static let node = "node-1.example.com"

    /// A simulator where drain-node ran on the node (the way there before the way back).
    func drained() throws -> NodeRehearsal {
        let sim = try NodeRehearsal()
        let drain = sim.run("drain-node", ["node": Self.node])
        guard drain.status == 0 else { throw NodeRehearsal.Failure.command(["drain-node"], drain.output) }
        return sim
    }

    @Test("makes a drained node schedulable again; its evicted pods stay where they are")
    func uncordons() throws {
        let sim = try drained()
        let before = try sim.stateJSON()
        #expect(ClusterComparison.node(before, Self.node)?["schedulable"] as? Bool == false)
        let result = sim.run("uncordon-node", ["node": Self.node])
        #expect(result.status == 0, "\(result.output)")
        let after = try sim.stateJSON()
        #expect(ClusterComparison.node(after, Self.node)?["schedulable"] as? Bool == true)
        // Only the flag changed: uncordoning does not move pods back.
        #expect(ClusterComparison.comparable(before, dropping: ["nodes"]) == ClusterComparison.comparable(after, dropping: ["nodes"]))
        sim.expectAuditIntact(try #require(sim.runs().last))
    }

    @Test("the uncordon command fails: exit 1, the node stays unschedulable, the cluster is as before")
    func failureLeavesStateAsBefore() throws {
        let sim = try drained()
        try sim.fault("command-fails", "oc", "schedulable=true", "1")
        let before = try sim.stateJSON()
        let result = sim.run("uncordon-node", ["node": Self.node])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("✖ failed at uncordon@master-0.example.com: exit 1: oc: simulated failure (fault command-fails)"))
        let after = try sim.stateJSON()
        #expect(ClusterComparison.comparable(after) == ClusterComparison.comparable(before))
        #expect((after["faults"] as? [Any])?.isEmpty == true, "the one failure was consumed")
        sim.expectAuditIntact(try #require(sim.runs().last))
    }

    @Test("kill -9 while waiting for the node to be Ready, then resume: same cluster as an uninterrupted run")
    func killAndResume() throws {
        let reference = try drained()
        #expect(reference.run("uncordon-node", ["node": Self.node]).status == 0)

        let sim = try drained()
        let drainRun = try #require(sim.runs().first)
        // The first poll of the wait fails; the next is 5 s later: kill in between.
        try sim.fault("command-fails", "oc", "\(Self.node) --no-headers", "1")
        let uncordonArguments = sim.runArguments("uncordon-node", ["node": Self.node])
        let child = try CLI.start(uncordonArguments)
        let deadline = Date().addingTimeInterval(20)
        var run: String?
        while Date() < deadline, run == nil {
            if let candidate = sim.runs().first(where: { $0 != drainRun }),
               sim.journal(candidate).contains(where: {
                   $0["event"] as? String == "attemptFinished" && $0["status"] as? String == "exit 1"
                       && ($0["step"] as? String)?.hasPrefix("ready-and-schedulable@") == true
               }) { run = candidate } else { usleep(20_000) }
        }
        child.send(SIGKILL)
        _ = child.waitUntilExit()
        let killed = try #require(run)
        sim.expectAuditIntact(killed)
        #expect(!sim.journal(killed).contains { $0["event"] as? String == "stepSucceeded"
            && ($0["step"] as? String)?.hasPrefix("ready-and-schedulable@") == true })

        let resumed = sim.resume(killed)
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(resumed.output.contains("✔ ready-and-schedulable@master-0.example.com"))
        sim.expectAuditIntact(killed)
        #expect(ClusterComparison.comparable(try sim.stateJSON()) == ClusterComparison.comparable(try reference.stateJSON()))
    }
}
