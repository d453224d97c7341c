import Foundation
import Testing
import TestSupport

/// SIGHUP (a lost terminal or ssh session) stops a run like SIGTERM: journaled, children
/// stopped, exit 4, resumable.
@Suite("SIGHUP (binary)")
struct HangupTests {
    @Test("SIGHUP mid-step: exit 4, runInterrupted journaled, the step's process tree is gone, resume finishes")
    func hangupStopsResumably() async throws {
        let s = try Scenario()
        defer { s.remove() }
        let file = try s.write("hup.yaml", """
            runbook: hup
            steps:
              - id: long
                idempotent: true
                run: "[ -e \(s.path("marker")) ] || { sleep 1000 & echo $! > \(s.path("pid.tmp")); mv \(s.path("pid.tmp")) \(s.path("pid")); wait; }"
              - id: after
                run: "echo after >> \(s.path("after"))"
            """)
        let child = try s.start(["run", file])
        #expect(await s.waitFor("pid"))
        child.send(SIGHUP)
        let outcome = await child.wait()

        #expect(outcome.signal == nil, "runbook died of the signal: \(outcome.output)")
        #expect(outcome.status == 4, "\(outcome.output)")
        let pid = try #require(s.lines("pid").first.flatMap { Int32($0) })
        #expect(await eventually { !processIsRunning(pid) }, "sleep \(pid) survived SIGHUP")
        #expect(s.lines("after").isEmpty)
        let run = try #require(s.runs().first)
        let journal = (try? String(contentsOfFile: "\(s.state)/runs/\(run)/journal.jsonl", encoding: .utf8)) ?? ""
        #expect(journal.contains(#""event":"runInterrupted""#))

        s.touch("marker")
        let resumed = try await s.runbook(["resume", run])
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(s.lines("after") == ["after"])
    }
}
