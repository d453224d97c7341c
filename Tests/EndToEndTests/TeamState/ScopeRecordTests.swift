import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Issue 12's rule on etcd: a scope lock whose holder died (its lease expired) is not taken over
/// while that holder's command may still run on another machine; the durable record beside
/// the lease-bound key says who it was and what ran.
@Suite("scope lock records in the team store (real etcd on loopback)", .serialized)
struct ScopeRecordTests {
    @Test("a holder that died on another machine mid-step: the scope is refused (exit 5, naming the step), then taken with --break-lock, journaled")
    func deadHolderElsewhere() async throws {
        let etcd = try TeamEtcd()
        defer { etcd.remove() }
        let t = try TeamDesk()
        defer { t.remove() }
        let file = try DeadDriver.runbook(t, lock: "cluster")
        // 3 s: a holder must renew within it even on a loaded machine (a renewal is an etcdctl process).
        let options = ["--state", etcd.url, "--lock-ttl", "3"]
        guard let dead = try await DeadDriver.kill(t, etcd: etcd, file: file, options: options, recordPrefix: "/team/records/scope/")
        else { return }
        let deadRun = dead.run

        let bob = try t.desk("bob")
        let refused = try CLI.run(["run", file] + options, in: bob)
        #expect(refused.status == 5, "\(refused.output)")
        #expect(refused.stderr.contains("error: lock scope 'cluster' was held by run \(deadRun) (pid \(dead.pid) on bastion-9, since "),
                "\(refused.stderr)")
        #expect(refused.stderr.contains("which died without releasing it while it ran step hold"), "\(refused.stderr)")
        #expect(refused.stderr.contains("then pass --break-lock"), "\(refused.stderr)")
        #expect(t.lines("ledger") == ["hold"])
        #expect(try etcd.keys("/team/records/") == ["/team/records/run/\(deadRun)", "/team/records/scope/cluster"],
                "the records (of the scope and of Ann's run) stay for the next operator")

        // Bob checks on that host: the command has ended.
        try DeadDriver.stopHeldCommand(t)
        let taken = try CLI.run(["run", file, "--break-lock"] + options, in: bob)
        #expect(taken.status == 0, "\(taken.output)")
        #expect(t.lines("ledger") == ["hold", "hold"])
        let id = try #require(TeamDesk.runID(taken))
        #expect(try CLI.run(["audit", "verify", id, "--state", etcd.url], in: bob).status == 0)
        let journal = try String(contentsOfFile: try TeamDesk.pulled("journal.jsonl", of: id, in: bob), encoding: .utf8)
        #expect(journal.contains("break-lock: took lock scope 'cluster' although run \(deadRun) (pid \(dead.pid) on bastion-9) died holding it while it ran step hold"),
                "\(journal)")
        #expect(try etcd.keys("/team/records/") == ["/team/records/run/\(deadRun)"],
                "a clean release removes the scope's record; Ann's run was never resumed, so its record stays")
    }
}
