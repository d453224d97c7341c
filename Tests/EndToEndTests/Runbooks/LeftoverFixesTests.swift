import Foundation
import Testing

/// The leftovers the lead found after round 4 (issue 11), each rehearsed with the built binary.
@Suite("round-4 leftovers")
struct LeftoverFixesTests {
    @Test("backup-master-host rolled back leaves no empty host_staging_dir (/backup/.runbook-staging) on the host")
    func stagingParentRemovedOnRollback() throws {
        let sim = try MasterSim()
        defer { sim.remove() }
        try sim.fault("command-fails", "rpm", "qa", "1")
        let result = sim.run("backup-master-host", ["host": "master-1.example.com"])
        #expect(result.status == 1, "\(result.output)")
        #expect(BackupRehearsalTests.listing(sim, "master-1.example.com", "/backup").isEmpty,
                "left on the host: \(BackupRehearsalTests.listing(sim, "master-1.example.com", "/backup"))")
    }

    @Test("plan shows a replace edit's with: value as the literal text it inserts, not regex-escaped")
    func planShowsLiteralReplacement() throws {
        let scratch = try Scratch(prefix: "leftover-plan")
        defer { scratch.remove() }
        let runbook = scratch.path("edit.yaml")
        try """
            version: 1
            runbook: edit
            title: Replace a host name
            params:
              new: { type: string, default: new-etcd-0.example.com }
            steps:
              - id: swap
                title: Point at the new host
                edit:
                  path: \(scratch.path("target.conf"))
                  changes:
                    - replace: { pattern: 'old\\.example\\.com', with: "${{ params.new }}:2379" }
            """.write(toFile: runbook, atomically: true, encoding: .utf8)
        try "server old.example.com\n".write(toFile: scratch.path("target.conf"), atomically: true, encoding: .utf8)
        let plan = try CLI.run(["plan", runbook])
        #expect(plan.status == 0, "\(plan.output)")
        #expect(plan.stdout.contains("replace /old\\.example\\.com/ with 'new-etcd-0.example.com:2379'"), "\(plan.stdout)")
    }
}
