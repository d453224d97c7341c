import Foundation
import Testing
import TestSupport

/// `lock:` scopes across processes: one run at a time; a stale holder and `--break-lock`.
@Suite("lock scopes (binary)")
struct LockScopeTests {
    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        gethostname(&buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    @Test("two concurrent runs on one lock scope: exactly one proceeds, the other exits 5 naming the holder")
    func concurrent() async throws {
        let s = try Scenario()
        defer { s.remove() }
        let holder = try s.write("holder.yaml", """
            runbook: holder
            lock: cluster
            steps:
              - id: hold
                run: "echo holder >> \(s.path("ledger")); touch \(s.path("held")); while [ ! -e \(s.path("go")) ]; do sleep 0.02; done"
            """)
        let other = try s.write("other.yaml", """
            runbook: other
            lock: cluster
            steps:
              - id: act
                run: "echo other >> \(s.path("ledger"))"
            """)
        let first = try s.start(["run", holder])
        #expect(await s.waitFor("held"))
        let second = try await s.runbook(["run", other])
        s.touch("go")
        let held = await first.wait()

        #expect(held.status == 0, "\(held.output)")
        #expect(second.status == 5)
        let holderRun = try #require(s.runs().first { $0.contains("holder") })
        #expect(second.stderr.hasPrefix(
            "error: lock scope 'cluster' is locked by run \(holderRun) (pid \(first.process.processIdentifier) on \(Self.hostName()), since "),
                "\(second.stderr)")
        #expect(second.stderr.contains("hint: wait for that run to finish, or see it with `runbook status \(holderRun)`"))
        #expect(s.lines("ledger") == ["holder"])
        #expect(s.runs() == [holderRun], "a run refused by its lock leaves no run directory")
    }

    @Test("a stale holder is reported with the --break-lock hint; --break-lock proceeds and is journaled")
    func stale() async throws {
        let s = try Scenario()
        defer { s.remove() }
        // A holder record naming a process that is gone, while something else keeps the flock
        // (as a leaked descriptor would).
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        let pid = gone.processIdentifier
        try FileManager.default.createDirectory(atPath: s.state + "/locks", withIntermediateDirectories: true)
        let lockFile = s.state + "/locks/cluster.lock"
        try #"{"host":"\#(Self.hostName())","pid":\#(pid),"run":"20260101-000000-old-0000","since":"2026-01-01T00:00:00.000Z"}"#
            .write(toFile: lockFile, atomically: false, encoding: .utf8)
        let keeper = Process()
        keeper.executableURL = URL(fileURLWithPath: "/bin/sh")
        keeper.arguments = ["-c", "exec 9<>'\(lockFile)' && flock 9 && touch '\(s.path("locked"))' && exec sleep 30"]
        try keeper.run()
        defer { keeper.terminate(); keeper.waitUntilExit() }
        #expect(await s.waitFor("locked"))

        let file = try s.write("rb.yaml", """
            runbook: after-crash
            lock: cluster
            steps:
              - id: act
                run: "echo act >> \(s.path("ledger"))"
            """)
        let refused = try await s.runbook(["run", file])
        #expect(refused.status == 5)
        #expect(refused.stderr.hasPrefix(
            "error: lock scope 'cluster' is held by run 20260101-000000-old-0000 (pid \(pid) on \(Self.hostName()), since 2026-01-01T00:00:00.000Z), whose process is gone"),
                "\(refused.stderr)")
        #expect(refused.stderr.contains("--break-lock"))
        #expect(s.lines("ledger").isEmpty)
        #expect(s.runs().isEmpty)

        let broken = try await s.runbook(["run", file, "--break-lock"])
        #expect(broken.status == 0, "\(broken.output)")
        #expect(s.lines("ledger") == ["act"])
        let run = try #require(s.runs().first)
        let audit = try await s.runbook(["audit", run, "--output", "json"])
        #expect(audit.stdout.contains(
            "break-lock: took lock scope 'cluster' from run 20260101-000000-old-0000 (pid \(pid) on \(Self.hostName()), gone)"),
                "\(audit.stdout)")
    }
}
