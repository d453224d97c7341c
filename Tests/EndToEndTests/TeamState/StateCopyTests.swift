import Foundation
import Testing
import TestSupport

/// `runbook state copy FROM TO` between a local state directory and a real etcd on loopback.
@Suite("state copy (real etcd on loopback)", .serialized)
struct StateCopyTests {
    @Test("a local run copied into the team store and back verifies on both sides; the team sees it")
    func roundTrip() throws {
        let etcd = try TeamEtcd()
        defer { etcd.remove() }
        let t = try TeamDesk()
        defer { t.remove() }
        let file = try t.write("rb.yaml", """
            runbook: local-first
            steps:
              - id: one
                run: "echo output-of-one"
            """)
        let local = t.path("local-state")
        let run = try CLI.run(["run", file, "--state-dir", local], in: try t.desk("ann"))
        #expect(run.status == 0, "\(run.output)")
        let id = try #require(TeamDesk.runID(run))

        let up = try CLI.run(["state", "copy", local, etcd.url], in: try t.desk("ann"))
        #expect(up.status == 0, "\(up.output)")
        #expect(up.stdout.contains("copied \(id) to \(etcd.url) (verified)"), "\(up.stdout)")
        let again = try CLI.run(["state", "copy", local, etcd.url], in: try t.desk("ann"))
        #expect(again.status == 1)
        #expect(again.stderr.contains("run \(id) was not copied: run \(id) is already in \(etcd.url)"), "\(again.stderr)")

        let verify = try CLI.run(["audit", "verify", id, "--state", etcd.url], in: try t.desk("bob"))
        #expect(verify.status == 0, "\(verify.output)")
        let archive = t.path("archive")
        let down = try CLI.run(["state", "copy", etcd.url, archive], in: try t.desk("bob"))
        #expect(down.status == 0, "\(down.output)")
        let back = try CLI.run(["audit", "verify", id, "--state-dir", archive], in: try t.desk("bob"))
        #expect(back.status == 0, "\(back.output)")
    }

    @Test("a run that does not verify is not copied (exit 1, the problem named)")
    func refusesBrokenRun() throws {
        let etcd = try TeamEtcd()
        defer { etcd.remove() }
        let t = try TeamDesk()
        defer { t.remove() }
        let file = try t.write("rb.yaml", """
            runbook: tampered
            steps:
              - id: one
                run: "echo output-of-one"
            """)
        let local = t.path("local-state")
        let run = try CLI.run(["run", file, "--state-dir", local], in: try t.desk("ann"))
        let id = try #require(TeamDesk.runID(run))
        let params = "\(local)/runs/\(id)/params.json"
        try "{}\n".write(toFile: params, atomically: false, encoding: .utf8)
        let copy = try CLI.run(["state", "copy", local, etcd.url], in: try t.desk("ann"))
        #expect(copy.status == 1, "\(copy.output)")
        #expect(copy.stderr.contains("run \(id) in \(local) does not verify: params.json changed since the run started"), "\(copy.stderr)")
        #expect(try etcd.keys("/team/runs/").isEmpty)
    }
}
