import Foundation
import Testing

/// Issue 10's on-empty runbook: an `on` that renders empty must never fall back to this machine.
/// `plan` and `run` both refuse it with exit 2, and the command's side effect never happens.
@Suite struct OnEmptyTests {
    @Test func planAndRunBothExit2AndNothingRuns() throws {
        let scratch = try Scratch()
        let marker = scratch.path("where")
        let file = try scratch.write("on-empty.yaml", """
            runbook: on-empty
            params:
              target: { type: string, default: "" }
            steps:
              - id: where
                on: ${{ params.target }}
                run: echo ran-on-$(hostname) > \(marker)

            """)
        let message = "\(file):6:9: error: 'on: ${{ params.target }}' is empty: a step with 'on' never runs on this machine instead"

        let plan = try CLI.run(["plan", file])
        #expect(plan.status == 2, "\(plan)")
        #expect(plan.stderr.contains(message), "\(plan)")

        let run = try CLI.run(["run", file, "--yes", "--state-dir", scratch.path("state")])
        #expect(run.status == 2, "\(run)")
        #expect(run.stderr.contains(message), "\(run)")
        #expect(!FileManager.default.fileExists(atPath: marker))
        // Refused before the run directory exists: there is no run to resume.
        #expect(!FileManager.default.fileExists(atPath: scratch.path("state/runs")))
    }
}
