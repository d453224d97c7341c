import Foundation
import Testing
import TestSupport

/// `runbook run … | head -1`: the reader of the progress goes away mid-run. The run crashed
/// (Foundation's `FileHandle.write` traps on EPIPE: "Program crashed: Illegal instruction", exit
/// 132), or died of SIGPIPE when no step had started yet. It now stops like a lost terminal.
@Suite("standard output closed mid-run (binary)")
struct ClosedOutputTests {
    @Test("the progress reader goes away: exit 4, stopped before the next step, said on stderr, resume finishes")
    func closedOutputStopsResumably() async throws {
        let s = try Scenario()
        defer { s.remove() }
        let file = try s.write("closed.yaml", """
            runbook: closed
            steps:
              - id: first
                idempotent: true
                run: "while [ ! -e \(s.path("go")) ]; do sleep 0.01; done"
              - id: second
                run: "touch \(s.path("second-ran"))"
            """)
        // head takes the first line and goes; the group then closes its own end of the pipe, so
        // nothing reads runbook's stdout any more when `head-gone` appears.
        let script = #"( "$@"; echo $? > "$STATUS" ) | { head -n 1 > "$FIRST"; exec 0<&-; touch "$GONE"; }"#
        let child = try CLI.start(["run", file, "--output", "json", "--state-dir", s.state],
                                  environment: ["STATUS": s.path("status"), "FIRST": s.path("first"),
                                                "GONE": s.path("head-gone")],
                                  launch: .wrapped(["/bin/sh", "-c", script, "sh"]))
        #expect(await s.waitFor("head-gone", seconds: 30))
        s.touch("go")
        let outcome = await child.wait()

        #expect(s.lines("status") == ["4"], "\(outcome.output)")
        #expect(s.lines("first").first?.contains(#""event":"runStarted""#) == true)
        #expect(outcome.stderr.contains("stopping: standard output was closed (nothing reads the progress any more)"),
                "\(outcome.stderr)")
        #expect(!FileManager.default.fileExists(atPath: s.path("second-ran")))
        let run = try #require(s.runs().first)
        let journal = (try? String(contentsOfFile: "\(s.state)/runs/\(run)/journal.jsonl", encoding: .utf8)) ?? ""
        #expect(journal.contains(#""event":"runInterrupted""#))
        #expect(outcome.stderr.contains("run \(run) can be resumed: runbook resume \(run)"), "\(outcome.stderr)")

        let resumed = try await s.runbook(["resume", run])
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(FileManager.default.fileExists(atPath: s.path("second-ran")))
    }
}
