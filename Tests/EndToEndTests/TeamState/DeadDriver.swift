import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Ann's bastion dies mid-step: her runbook's step `hold` records its pid in `hold.pid`, appends
/// to `ledger` and waits for the file `go`; `runbook` is killed while it waits (the step's
/// command goes on), and her lock's durable record is rewritten as if her bastion were another
/// machine (`bastion-9`). Used by the scope and run record tests.
struct DeadDriver {
    /// Ann's `runbook` process id, as her record names it.
    var pid: Int32
    /// The run her record names.
    var run: String

    /// The runbook: `lock:` scope when given, one step `hold`.
    static func runbook(_ t: TeamDesk, lock: String? = nil) throws -> String {
        try t.write("rb.yaml", "runbook: drain\n" + (lock.map { "lock: \($0)\n" } ?? "") + """
            steps:
              - id: hold
                run: "echo $$ > \(t.path("hold.pid")); echo hold >> \(t.path("ledger")); while [ ! -e \(t.path("go")) ]; do sleep 0.02; done"
            """)
    }

    /// Starts Ann's run, waits until `hold` runs, kills her `runbook`, moves the record at
    /// `recordKey` (the only key under `recordPrefix`) to `bastion-9` and waits for her lease-bound
    /// locks to expire. Nil (an issue recorded) when the step never started.
    static func kill(_ t: TeamDesk, etcd: TeamEtcd, file: String, options: [String], recordPrefix: String) async throws -> DeadDriver? {
        let a = try CLI.start(["run", file] + options, in: try t.desk("ann"))
        guard await eventually(seconds: 30, { t.lines("ledger") == ["hold"] }) else {
            a.send(SIGKILL)
            Issue.record("the step never started: \(await a.wait())")
            return nil
        }
        let keys = try etcd.keys(recordPrefix)
        let key = try #require(keys.count == 1 ? keys.first : nil, "\(keys)")
        let text = try etcd.etcdctl(["get", key, "--print-value-only"]).stdout
        var record = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(record["pid"] as? Int == Int(a.pid))
        let run = try #require(record["run"] as? String)
        a.send(SIGKILL)
        _ = await a.wait()
        record["host"] = "bastion-9"
        let moved = String(decoding: try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]), as: UTF8.self)
        #expect(try etcd.etcdctl(["put", key, moved]).status == 0)
        #expect(await eventually(seconds: 30) { (try? etcd.keys("/team/locks/"))?.isEmpty == true })
        return DeadDriver(pid: a.pid, run: run)
    }

    /// The operator checked on that machine: the step's command is stopped, and the gate opened
    /// for the run that takes over.
    static func stopHeldCommand(_ t: TeamDesk) throws {
        let stepPid = try #require(Int32(t.lines("hold.pid").first ?? ""))
        Glibc.kill(-stepPid, SIGKILL)
        Glibc.kill(stepPid, SIGKILL)
        t.touch("go")
    }
}
