import Foundation
import Testing
import TestSupport

@Suite("--audit-log with the team store (real etcd on loopback)", .serialized)
struct EtcdAuditLogTests {
    @Test("--audit-log with the team store receives every journal line etcd committed, byte for byte")
    func mirrorsCommittedLines() throws {
        let etcd = try TeamEtcd()
        defer { etcd.remove() }
        let t = try TeamDesk()
        defer { t.remove() }
        let file = try t.write("rb.yaml", """
            runbook: audited
            steps:
              - id: one
                run: "echo one"
              - id: two
                run: "echo two"
            """)
        let log = t.path("audit.log")
        let run = try CLI.run(["run", file, "--state", etcd.url, "--audit-log", log], in: try t.desk("ann"))
        #expect(run.status == 0, "\(run.output)")
        let id = try #require(TeamDesk.runID(run))

        let bob = try t.desk("bob")
        #expect(try CLI.run(["runs", "--state", etcd.url], in: bob).status == 0)
        let journal = try String(contentsOfFile: try TeamDesk.pulled("journal.jsonl", of: id, in: bob), encoding: .utf8)
        #expect(journal.split(separator: "\n").count >= 6)
        #expect(try String(contentsOfFile: log, encoding: .utf8) == journal)
    }
}
