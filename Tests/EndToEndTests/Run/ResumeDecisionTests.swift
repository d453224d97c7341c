import Foundation
import Testing
import TestSupport

/// Resume decisions that must be exact: a step done by hand is rolled back like any other,
/// `--rerun`/`--skip` name single instances, a failed rollback is retried, a probed step's
/// captures are never made up, and a setup a killed process left behind is cleaned up.
@Suite("runbook resume: decisions and rollback (binary)")
struct ResumeDecisionTests {
    /// Waits until the journal of the only run records `event` for `step`.
    func journaled(_ s: Scenario, _ event: String, _ step: String) async -> Bool {
        await eventually {
            guard let run = s.runs().first,
                let text = try? String(contentsOfFile: "\(s.state)/runs/\(run)/journal.jsonl", encoding: .utf8)
            else { return false }
            return text.contains("\"event\":\"\(event)\",\"step\":\"\(step)\"")
        }
    }

    @Test("--skip marks the step done: a later failure rolls it back too, and the run says so truthfully")
    func skippedStepIsRolledBack() async throws {
        let s = try Scenario()
        defer { s.remove() }
        let ledger = s.path("ledger")
        let file = try s.write("rb.yaml", """
            runbook: skipped-undo
            steps:
              - id: a
                run: "echo a >> \(ledger)"
                rollback: "echo undo-a >> \(ledger)"
              - id: work
                run: "echo work >> \(ledger); touch \(s.path("mark")); sleep 30"
                rollback: "echo undo-work >> \(ledger)"
              - id: c
                run: "echo c >> \(ledger); exit 1"
            """)
        let run = try await s.interruptedRun(file, at: "mark")

        let resumed = try await s.runbook(["resume", run, "--skip", "work"])
        #expect(resumed.status == 1, "\(resumed.output)")
        #expect(s.lines("ledger") == ["a", "work", "c", "undo-work", "undo-a"])
        #expect(resumed.output.contains("completed steps were rolled back"), "\(resumed.output)")
        let status = try await s.runbook(["status", run])
        #expect(status.stdout.contains("work  rolled back"), "\(status.stdout)")
    }

    /// `fe` over [a, b], one at a time: fe[a] finishes, fe[b] blocks until `go` exists.
    func interruptedInFe(_ s: Scenario) async throws -> String {
        let ledger = s.path("ledger")
        let file = try s.write("rb.yaml", """
            runbook: instances
            steps:
              - id: fe
                for_each: [a, b]
                max_parallel: 1
                run: "echo ${{ item }} >> \(ledger); if [ ${{ item }} = b ] && [ ! -e \(s.path("go")) ]; then touch \(s.path("mark")); sleep 30; fi"
              - id: after
                run: "echo after >> \(ledger)"
            """)
        let child = try s.start(["run", file])
        #expect(await s.waitFor("mark"))
        #expect(await journaled(s, "stepSucceeded", "fe[a]"))
        child.send(SIGINT)
        #expect(await child.wait().status == 4)
        s.touch("go")
        return try #require(s.runs().first)
    }

    @Test("an undecidable instance is named by its key; --rerun 'fe[b]' re-runs exactly that instance, journaled")
    func rerunInstanceKey() async throws {
        let s = try Scenario()
        defer { s.remove() }
        let run = try await interruptedInFe(s)

        let refused = try await s.runbook(["resume", run])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("cannot tell whether these were done when the run stopped: fe[b]"), "\(refused.stderr)")
        #expect(refused.stderr.contains(
            "hint: check by hand, then resume with --rerun fe or --skip fe (a step without `idempotent: true` or `verify:` is never re-run silently); to decide one instance, name its key: --rerun 'fe[b]'"),
                "\(refused.stderr)")

        let resumed = try await s.runbook(["resume", run, "--rerun", "fe[b]"])
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(s.lines("ledger") == ["a", "b", "b", "after"])
        let audit = try await s.runbook(["audit", run, "--output", "json"])
        #expect(audit.stdout.contains("\"event\":\"operatorDecision\",\"step\":\"fe[b]\",\"message\":\"rerun: --rerun fe[b]\""),
                "\(audit.stdout)")
    }

    @Test("--rerun of a finished instance is refused; a plain step id never re-runs its finished instances")
    func finishedInstanceIsNeverRerun() async throws {
        let s = try Scenario()
        defer { s.remove() }
        let run = try await interruptedInFe(s)

        let refused = try await s.runbook(["resume", run, "--rerun", "fe[a]"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("error: --rerun fe[a]: it already succeeded"), "\(refused.stderr)")
        #expect(refused.stderr.contains("hint: instances of 'fe' that need a decision: fe[b]"), "\(refused.stderr)")
        let unknown = try await s.runbook(["resume", run, "--skip", "fe[c]"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("error: --skip fe[c]: the run has no such instance"), "\(unknown.stderr)")

        let resumed = try await s.runbook(["resume", run, "--rerun", "fe"])
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(s.lines("ledger") == ["a", "b", "b", "after"])
    }

    @Test("resuming a run whose rollback failed retries that rollback")
    func failedRollbackIsRetried() async throws {
        let s = try Scenario()
        defer { s.remove() }
        let ledger = s.path("ledger")
        let file = try s.write("rb.yaml", """
            runbook: retry-undo
            steps:
              - id: a
                run: "echo a >> \(ledger)"
                rollback: "echo undo-a >> \(ledger)"
              - id: b
                run: "echo b >> \(ledger)"
                rollback: "test -e \(s.path("fixed")) && echo undo-b >> \(ledger)"
              - id: c
                run: "exit 1"
            """)
        let first = try await s.runbook(["run", file])
        #expect(first.status == 3, "\(first.output)")
        #expect(s.lines("ledger") == ["a", "b"])
        let run = try #require(s.runs().first)

        s.touch("fixed")
        let resumed = try await s.runbook(["resume", run])
        #expect(resumed.status == 1, "\(resumed.output)")
        #expect(s.lines("ledger") == ["a", "b", "undo-b", "undo-a"])
        let status = try await s.runbook(["status", run])
        #expect(status.stdout.contains("status:   failed and rolled back"), "\(status.stdout)")
    }

    @Test("a step found done by its verify on resume has no captures: a later reference fails saying why")
    func probedStepCaptures() async throws {
        let s = try Scenario()
        defer { s.remove() }
        let file = try s.write("rb.yaml", """
            runbook: probed
            steps:
              - id: make
                run: "echo value=42; touch \(s.path("mark")); sleep 30"
                verify: "true"
                capture:
                  value: { regex: 'value=([0-9]+)' }
              - id: consume
                run: "echo got ${{ steps.make.outputs.value }} >> \(s.path("ledger"))"
            """)
        let run = try await s.interruptedRun(file, at: "mark")

        let resumed = try await s.runbook(["resume", run])
        #expect(resumed.status == 1, "\(resumed.output)")
        #expect(resumed.output.contains(
            "step 'make' has no value for output 'value': it was recorded as done on resume (its verify held, or --skip) without its command's output being read"),
                "\(resumed.output)")
        #expect(s.lines("ledger").isEmpty)
    }

    @Test("a setup left by a killed process (runs/.<id>, lock free) is removed by the next run; a live one is kept")
    func abandonedSetupIsCleaned() async throws {
        let s = try Scenario()
        defer { s.remove() }
        let runs = "\(s.state)/runs"
        let dead = "\(runs)/.20260101-000000-gone-0001"
        let live = "\(runs)/.20260101-000000-live-0002"
        let fresh = "\(runs)/.20260101-000000-fresh-0003"
        for dir in [dead, live, fresh] {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }
        let holder = #"{"host":"h","pid":2147483000,"run":"x","since":"2026-01-01T00:00:00.000Z"}"# + "\n"
        try holder.write(toFile: "\(dead)/lock", atomically: false, encoding: .utf8)
        try holder.write(toFile: "\(live)/lock", atomically: false, encoding: .utf8)
        let fd = open("\(live)/lock", O_RDWR)
        #expect(fd >= 0)
        defer { close(fd) }
        #expect(flock(fd, LOCK_EX | LOCK_NB) == 0)

        let file = try s.write("rb.yaml", "runbook: next\nsteps:\n  - id: a\n    run: \"true\"\n")
        let result = try await s.runbook(["run", file])
        #expect(result.status == 0, "\(result.output)")
        #expect(!FileManager.default.fileExists(atPath: dead))
        #expect(FileManager.default.fileExists(atPath: live))
        #expect(FileManager.default.fileExists(atPath: fresh))
    }

    @Test("resume also removes a setup a killed process left behind (its lock is free), never a live one")
    func abandonedSetupIsCleanedOnResume() async throws {
        let s = try Scenario()
        defer { s.remove() }
        let file = try s.write("rb.yaml", "runbook: again\nsteps:\n  - id: a\n    run: \"exit 1\"\n    on_failure: stop\n")
        let first = try await s.runbook(["run", file])
        #expect(first.status == 1, "\(first.output)")
        let run = try #require(s.runs().first)
        let dead = "\(s.state)/runs/.20260101-000000-gone-0001"
        try FileManager.default.createDirectory(atPath: dead, withIntermediateDirectories: true)
        let holder = #"{"host":"h","pid":2147483000,"run":"x","since":"2026-01-01T00:00:00.000Z"}"# + "\n"
        try holder.write(toFile: "\(dead)/lock", atomically: false, encoding: .utf8)
        let resumed = try await s.runbook(["resume", run, "--rerun", "a"])
        #expect(resumed.status == 1, "\(resumed.output)")
        #expect(!FileManager.default.fileExists(atPath: dead))
    }
}
