import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Issue 12's rule for the run itself on etcd: a run whose driver died on another machine while
/// a command ran is not resumed from here until the operator has checked that command ended.
@Suite("run lock records in the team store (real etcd on loopback)", .serialized)
struct RunRecordTests {
    @Test("resume of a run whose driver died on another machine mid-step is refused (exit 5, naming the step), then allowed with --break-lock, journaled")
    func driverDiedElsewhere() async throws {
        let etcd = try TeamEtcd()
        defer { etcd.remove() }
        let t = try TeamDesk()
        defer { t.remove() }
        let file = try DeadDriver.runbook(t)
        let options = ["--state", etcd.url, "--lock-ttl", "3"]
        guard let dead = try await DeadDriver.kill(t, etcd: etcd, file: file, options: options, recordPrefix: "/team/records/run/")
        else { return }
        let run = dead.run, key = "/team/records/run/\(run)"

        // Before the record, this resume went ahead (and with --rerun ran the step a second
        // time while the first copy still ran on Ann's machine).
        let bob = try t.desk("bob")
        let refused = try CLI.run(["resume", run, "--rerun", "hold"] + options, in: bob)
        #expect(refused.status == 5, "\(refused.output)")
        #expect(refused.stderr.contains("error: run \(run) was held by run \(run) (pid \(dead.pid) on bastion-9, since "), "\(refused.stderr)")
        #expect(refused.stderr.contains("which died without releasing it while it ran step hold; those commands may still be running"),
                "\(refused.stderr)")
        #expect(refused.stderr.contains("then pass --break-lock"), "\(refused.stderr)")
        #expect(t.lines("ledger") == ["hold"])
        #expect(try etcd.keys("/team/records/") == [key], "the record stays for the next operator")

        // Bob checks on that machine: he stops the command, then takes the run over.
        try DeadDriver.stopHeldCommand(t)
        let taken = try CLI.run(["resume", run, "--rerun", "hold", "--break-lock"] + options, in: bob)
        #expect(taken.status == 0, "\(taken.output)")
        #expect(t.lines("ledger") == ["hold", "hold"])
        #expect(try CLI.run(["audit", "verify", run, "--state", etcd.url], in: bob).status == 0)
        let journal = try String(contentsOfFile: try TeamDesk.pulled("journal.jsonl", of: run, in: bob), encoding: .utf8)
        #expect(journal.contains("break-lock: took run \(run) although run \(run) (pid \(dead.pid) on bastion-9) died holding it while it ran step hold"),
                "\(journal)")
        #expect(try etcd.keys("/team/records/").isEmpty, "a clean end removes the record")
    }
}
