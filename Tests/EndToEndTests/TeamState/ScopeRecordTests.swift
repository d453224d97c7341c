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
        let file = try t.write("rb.yaml", """
            runbook: drain
            lock: cluster
            steps:
              - id: hold
                run: "echo $$ > \(t.path("hold.pid")); echo hold >> \(t.path("ledger")); while [ ! -e \(t.path("go")) ]; do sleep 0.02; done"
            """)
        // 3 s: a holder must renew within it even on a loaded machine (a renewal is an etcdctl process).
        let options = ["--state", etcd.url, "--lock-ttl", "3"]
        let a = try CLI.start(["run", file] + options, in: try t.desk("ann"))
        guard await eventually(seconds: 30, { t.lines("ledger") == ["hold"] }) else {
            a.send(SIGKILL)
            Issue.record("the step never started: \(await a.wait())")
            return
        }
        let record = try etcd.etcdctl(["get", "/team/records/scope/cluster", "--print-value-only"])
        let dead = try #require(try JSONSerialization.jsonObject(with: Data(record.stdout.utf8)) as? [String: Any])
        let deadRun = try #require(dead["run"] as? String)
        #expect(dead["pid"] as? Int == Int(a.pid))

        // Ann's bastion dies: runbook by kill -9, its step command goes on. Her record is
        // rewritten as if that bastion were another machine.
        a.send(SIGKILL)
        _ = await a.wait()
        var moved = dead
        moved["host"] = "bastion-9"
        let movedText = String(decoding: try JSONSerialization.data(withJSONObject: moved, options: [.sortedKeys]), as: UTF8.self)
        #expect(try etcd.etcdctl(["put", "/team/records/scope/cluster", movedText]).status == 0)
        #expect(await eventually(seconds: 30) { (try? etcd.keys("/team/locks/"))?.isEmpty == true })

        let bob = try t.desk("bob")
        let refused = try CLI.run(["run", file] + options, in: bob)
        #expect(refused.status == 5, "\(refused.output)")
        #expect(refused.stderr.contains("error: lock scope 'cluster' was held by run \(deadRun) (pid \(a.pid) on bastion-9, since "),
                "\(refused.stderr)")
        #expect(refused.stderr.contains("which died without releasing it while it ran step hold"), "\(refused.stderr)")
        #expect(refused.stderr.contains("then pass --break-lock"), "\(refused.stderr)")
        #expect(t.lines("ledger") == ["hold"])
        #expect(try etcd.keys("/team/records/") == ["/team/records/scope/cluster"], "the record stays for the next operator")

        // Bob checks on that host: the command has ended.
        let stepPid = try #require(Int32(t.lines("hold.pid").first ?? ""))
        kill(-stepPid, SIGKILL)
        kill(stepPid, SIGKILL)
        t.touch("go")
        let taken = try CLI.run(["run", file, "--break-lock"] + options, in: bob)
        #expect(taken.status == 0, "\(taken.output)")
        #expect(t.lines("ledger") == ["hold", "hold"])
        let id = try #require(TeamDesk.runID(taken))
        #expect(try CLI.run(["audit", "verify", id, "--state", etcd.url], in: bob).status == 0)
        let journal = try String(contentsOfFile: try TeamDesk.pulled("journal.jsonl", of: id, in: bob), encoding: .utf8)
        #expect(journal.contains("break-lock: took lock scope 'cluster' although run \(deadRun) (pid \(a.pid) on bastion-9) died holding it while it ran step hold"),
                "\(journal)")
        #expect(try etcd.keys("/team/records/").isEmpty, "a clean release removes the record")
    }
}
