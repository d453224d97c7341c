import Foundation
import Testing
import TestSupport

/// The store loses its quorum mid-run (its only member, or two of three): nothing can be
/// journaled, so the run stops before the next step; once the members are back, resume ends it.
@Suite("team store without quorum (real etcd on loopback)", .serialized)
struct QuorumLossTests {
    @Test("two members of three stopped mid-run: the run stops before the next step, resumable; restarted, resume finishes; each step once")
    func twoMembersDown() async throws {
        try await Self.loseQuorumMidRun(members: 3, stopping: [0, 1])
    }

    /// Runs s1 (which waits), stops `stopping`, lets s1 end: the run must stop before s2 with the
    /// store's message; restarts them, waits for the dead run's lease to go, resumes from another
    /// working copy (`--skip s1`: its command did finish), and checks each step ran once and the
    /// journal verifies.
    static func loseQuorumMidRun(members: Int, stopping: [Int]) async throws {
        let etcd = try TeamEtcd(members: members)
        defer { etcd.remove() }
        let t = try TeamDesk()
        defer { t.remove() }
        let file = try t.gatedRunbook(steps: 3)
        let options = ["--state", etcd.url, "--dial-timeout", "1", "--command-timeout", "2", "--lock-ttl", "2"]
        let a = try CLI.start(["run", file] + options, in: try t.desk("a"))
        #expect(await eventually(seconds: 30) { t.lines("ledger") == ["s1"] })
        let id = try #require(try etcd.keys("/team/runs/").first.map { String($0.split(separator: "/")[2]) })
        for member in stopping { etcd.stop(member) }
        t.touch("go")
        let stopped = await a.wait()
        #expect(stopped.status == 1, "\(stopped.output)")
        #expect(stopped.stderr.contains("run \(id) can be resumed"), "\(stopped.stderr)")
        #expect(stopped.output.contains("the run stops here"), "\(stopped.output)")
        #expect(t.lines("ledger") == ["s1"], "s2 never starts without a journal")

        for member in stopping { try etcd.restart(member) }
        // The dead run's lock goes one TTL after the members are back (a new leader renews leases).
        #expect(await eventually(seconds: 30) { (try? etcd.keys("/team/locks/"))?.isEmpty == true })
        let resumed = try CLI.run(["resume", id, "--skip", "s1"] + options, in: try t.desk("b"))
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(t.lines("ledger") == ["s1", "s2", "s3"], "every step exactly once")
        let verify = try CLI.run(["audit", "verify", id, "--state", etcd.url], in: try t.desk("c"))
        #expect(verify.status == 0, "\(verify.output)")
    }
}
