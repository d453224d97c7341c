import Foundation
import Testing
import TestSupport

/// `runs` and `status` on a run whose lock a live process holds: running, never interrupted,
/// with the holder named (pid, machine, operator), on both backends.
@Suite("lock holder in runs and status", .serialized)
struct LockHolderReportTests {
    /// The cells of each table line (columns are separated by two or more spaces).
    static func cells(_ table: String) -> [[String]] {
        table.split(separator: "\n").map { line in
            line.split(separator: "  ", omittingEmptySubsequences: true)
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
    }

    static func runbook(_ t: TeamDesk) throws -> String {
        try t.write("rb.yaml", """
            runbook: window
            steps:
              - id: s1
                run: "echo s1 >> \(t.path("ledger")); while [ ! -e \(t.path("go")) ]; do sleep 0.02; done"
            """)
    }

    /// The `started` of a run, as run.json in `directory` says.
    static func started(_ runJSON: String) throws -> String {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: runJSON)))
        return try #require((object as? [String: Any])?["started"] as? String)
    }

    @Test("team store: a run driven from another working copy is running in runs and status, its holder named")
    func etcdHolder() async throws {
        let etcd = try TeamEtcd()
        defer { etcd.remove() }
        let t = try TeamDesk()
        defer { t.remove() }
        let file = try Self.runbook(t)
        let a = try CLI.start(["run", file, "--state", etcd.url, "--operator", "ann@bastion-1"], in: try t.desk("ann"))
        #expect(await eventually(seconds: 30) { t.lines("ledger") == ["s1"] })
        let id = try #require(try etcd.keys("/team/runs/").first.map { String($0.split(separator: "/")[2]) })
        let host = TeamStateTests.hostName()
        let holder = "pid \(a.pid) on \(host), operator ann@bastion-1"

        let bob = try t.desk("bob")
        let runs = try CLI.run(["runs", "--state", etcd.url], in: bob)
        #expect(runs.status == 0, "\(runs.output)")
        let started = try Self.started(try TeamDesk.pulled("run.json", of: id, in: bob))
        #expect(Self.cells(runs.stdout) == [
            ["RUN", "RUNBOOK", "STATUS", "STARTED", "OPERATOR", "LOCK HELD BY"],
            [id, "window", "running", started, "ann@bastion-1", holder],
        ], "\(runs.stdout)")

        let status = try CLI.run(["status", id, "--state", etcd.url], in: bob)
        #expect(status.status == 0, "\(status.output)")
        #expect(status.stdout.contains("status:   running (\(holder), since "), "\(status.stdout)")
        #expect(status.stdout.contains("another process is driving this run; watch it with: runbook status \(id)"),
                "\(status.stdout)")

        t.touch("go")
        #expect(await a.wait().status == 0)
        let after = try CLI.run(["runs", "--state", etcd.url], in: bob)
        #expect(Self.cells(after.stdout).last == [id, "window", "succeeded", started, "ann@bastion-1"], "\(after.stdout)")
    }

    @Test("local state: runs names the live holder of a run's lock; none once it ended")
    func localHolder() async throws {
        let t = try TeamDesk()
        defer { t.remove() }
        let file = try Self.runbook(t)
        let state = t.path("state")
        let a = try CLI.start(["run", file, "--state-dir", state, "--operator", "ann@bastion-1"], in: try t.desk("ann"))
        #expect(await eventually(seconds: 30) { t.lines("ledger") == ["s1"] })
        let id = try #require(try FileManager.default.contentsOfDirectory(atPath: state + "/runs").first { !$0.hasPrefix(".") })
        let started = try Self.started("\(state)/runs/\(id)/run.json")

        let runs = try CLI.run(["runs", "--state-dir", state], in: try t.desk("bob"))
        #expect(runs.status == 0, "\(runs.output)")
        #expect(Self.cells(runs.stdout) == [
            ["RUN", "RUNBOOK", "STATUS", "STARTED", "OPERATOR", "LOCK HELD BY"],
            [id, "window", "running", started, "ann@bastion-1", "pid \(a.pid) on \(TeamStateTests.hostName()), operator ann@bastion-1"],
        ], "\(runs.stdout)")

        t.touch("go")
        #expect(await a.wait().status == 0)
        let after = try CLI.run(["runs", "--state-dir", state], in: try t.desk("bob"))
        #expect(Self.cells(after.stdout).last == [id, "window", "succeeded", started, "ann@bastion-1"], "\(after.stdout)")
    }
}
