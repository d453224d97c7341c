import Foundation
import Testing
import TestSupport

/// `runbook resume` on real runs: in-flight decisions, --from, a changed runbook, an
/// interrupted rollback, a finished run; and SIGINT mid-step.
@Suite("runbook resume (binary)")
struct ResumeCommandTests {
    /// prep, then `work` (no verify, not idempotent) which blocks the first time, then after.
    func interruptedInWork(_ s: Scenario) async throws -> String {
        let file = try s.write("rb.yaml", """
            runbook: inflight
            steps:
              - id: prep
                run: "echo prep >> \(s.path("ledger"))"
              - id: work
                run: "echo work >> \(s.path("ledger")); if [ ! -e \(s.path("mark")) ]; then touch \(s.path("mark")); sleep 30; fi"
              - id: after
                run: "echo after >> \(s.path("ledger"))"
            """)
        return try await s.interruptedRun(file, at: "mark")
    }

    func decisions(_ s: Scenario, _ run: String) async throws -> [String] {
        let audit = try await s.runbook(["audit", run, "--output", "json"])
        #expect(audit.status == 0)
        return audit.stdout.split(separator: "\n").filter { $0.contains("\"operatorDecision\"") }.map(String.init)
    }

    @Test("an in-flight step without verify or idempotent: exit 2 naming --rerun/--skip; --rerun runs it again, journaled")
    func rerunInFlight() async throws {
        let s = try Scenario()
        defer { s.remove() }
        let run = try await interruptedInWork(s)

        let refused = try await s.runbook(["resume", run])
        #expect(refused.status == 2)
        #expect(refused.stderr == """
            error: cannot tell whether these were done when the run stopped: work
              hint: check by hand, then resume with --rerun work or --skip work (a step without `idempotent: true` or `verify:` is never re-run silently)
            1 error

            """)
        #expect(s.lines("ledger") == ["prep", "work"])

        let rerun = try await s.runbook(["resume", run, "--rerun", "work"])
        #expect(rerun.status == 0, "\(rerun.output)")
        #expect(s.lines("ledger") == ["prep", "work", "work", "after"])
        let recorded = try await decisions(s, run)
        #expect(recorded.count == 1)
        #expect(recorded.first?.contains("\"message\":\"rerun: --rerun work\"") == true, "\(recorded)")
    }

    @Test("--skip: the in-flight step is not run again, is journaled, and stays skipped")
    func skipInFlight() async throws {
        let s = try Scenario()
        defer { s.remove() }
        let run = try await interruptedInWork(s)

        let skipped = try await s.runbook(["resume", run, "--skip", "work"])
        #expect(skipped.status == 0, "\(skipped.output)")
        #expect(s.lines("ledger") == ["prep", "work", "after"])
        let recorded = try await decisions(s, run)
        #expect(recorded.count == 1)
        #expect(recorded.first?.contains("\"message\":\"skip: --skip work\"") == true, "\(recorded)")
        let status = try await s.runbook(["status", run])
        #expect(status.stdout.contains("work   succeeded"), "\(status.stdout)")
        #expect(!status.stdout.contains("in flight"), "\(status.stdout)")
    }

    /// a, b, then c which fails (on_failure: stop) until `ok` exists.
    func stoppedAtC(_ s: Scenario) async throws -> (file: String, run: String) {
        let file = try s.write("rb.yaml", """
            runbook: stops
            steps:
              - id: a
                run: "echo a >> \(s.path("ledger"))"
              - id: b
                run: "echo b >> \(s.path("ledger"))"
              - id: c
                run: "test -e \(s.path("ok")) && echo c >> \(s.path("ledger"))"
                on_failure: stop
            """)
        let first = try await s.runbook(["run", file])
        #expect(first.status == 1, "\(first.output)")
        #expect(first.stderr.contains("can be resumed: runbook resume"))
        return (file, try #require(s.runs().first))
    }

    @Test("resume asks only for the secret params the run was given: an optional secret left out is not demanded")
    func optionalSecretLeftOut() async throws {
        let s = try Scenario()
        defer { s.remove() }
        let file = try s.write("rb.yaml", """
            runbook: secrets
            params:
              token: { type: string, secret: true, required: true }
              passphrase: { type: string, secret: true }
            steps:
              - id: a
                run: "echo a >> \(s.path("ledger"))"
              - id: b
                run: "test -e \(s.path("ok")) && echo b >> \(s.path("ledger"))"
                on_failure: stop
            """)
        let first = try await s.runbook(["run", file], environment: ["RUNBOOK_SECRET_TOKEN": "t0ken"])
        #expect(first.status == 1, "\(first.output)")
        let run = try #require(s.runs().first)
        s.touch("ok")
        let resumed = try await s.runbook(["resume", run], environment: ["RUNBOOK_SECRET_TOKEN": "t0ken"])
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(!resumed.output.contains("passphrase"), "\(resumed.output)")
        #expect(s.lines("ledger") == ["a", "b"])
    }

    @Test("--from STEP re-runs that step and every later one, not the earlier ones")
    func from() async throws {
        let s = try Scenario()
        defer { s.remove() }
        let (_, run) = try await stoppedAtC(s)
        s.touch("ok")
        let resumed = try await s.runbook(["resume", run, "--from", "b"])
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(s.lines("ledger") == ["a", "b", "b", "c"])
        #expect(try await decisions(s, run).contains { $0.contains("from: --from b") })
    }

    @Test("a changed runbook: resume shows the difference and exits 2; --use-current goes on with it")
    func changedRunbook() async throws {
        let s = try Scenario()
        defer { s.remove() }
        let (file, run) = try await stoppedAtC(s)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try text.replacingOccurrences(of: "echo c >>", with: "echo c2 >>").write(toFile: file, atomically: true, encoding: .utf8)
        s.touch("ok")

        let refused = try await s.runbook(["resume", run])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("echo c2 >>"), "\(refused.stderr)")
        #expect(refused.stderr.contains("--use-current"), "\(refused.stderr)")
        #expect(s.lines("ledger") == ["a", "b"])

        let current = try await s.runbook(["resume", run, "--use-current"])
        #expect(current.status == 0, "\(current.output)")
        #expect(s.lines("ledger") == ["a", "b", "c2"])
    }

    @Test("a run interrupted during rollback: resume continues it; done rollbacks are not repeated")
    func interruptedRollback() async throws {
        let s = try Scenario()
        defer { s.remove() }
        let ledger = s.path("ledger")
        let file = try s.write("rb.yaml", """
            runbook: undo
            steps:
              - id: a
                run: "echo a >> \(ledger)"
                rollback: "echo undo-a >> \(ledger)"
              - id: b
                run: "echo b >> \(ledger)"
                idempotent: true
                rollback: "if [ ! -e \(s.path("go")) ]; then touch \(s.path("undoing")); sleep 30; fi; echo undo-b >> \(ledger)"
              - id: c
                run: "echo c >> \(ledger)"
                rollback: "echo undo-c >> \(ledger)"
              - id: d
                run: "exit 1"
            """)
        let run = try await s.interruptedRun(file, at: "undoing")
        #expect(s.lines("ledger") == ["a", "b", "c", "undo-c"])

        s.touch("go")
        let resumed = try await s.runbook(["resume", run])
        #expect(resumed.status == 1, "\(resumed.output)")
        #expect(s.lines("ledger") == ["a", "b", "c", "undo-c", "undo-b", "undo-a"])
        #expect(try await s.runbook(["audit", "verify", run]).status == 0)
    }

    @Test("resuming a finished run: exit 2, says it ended")
    func finished() async throws {
        let s = try Scenario()
        defer { s.remove() }
        let file = try s.write("rb.yaml", "runbook: done\nsteps:\n  - id: a\n    run: \"true\"\n")
        #expect(try await s.runbook(["run", file]).status == 0)
        let run = try #require(s.runs().first)
        let again = try await s.runbook(["resume", run])
        #expect(again.status == 2)
        #expect(again.stderr == """
            error: run \(run) already ended (succeeded); there is nothing to resume
              hint: see what it did with: runbook audit \(run)
            1 error

            """)
    }

    @Test("SIGINT mid-step: exit 4, the step's process tree is gone, status shows it in flight, resume continues")
    func sigintThenResume() async throws {
        let s = try Scenario()
        defer { s.remove() }
        let file = try s.write("rb.yaml", """
            runbook: long
            steps:
              - id: long
                idempotent: true
                run: "if [ ! -e \(s.path("go")) ]; then sleep 30 & echo $! > \(s.path("pid.tmp")); mv \(s.path("pid.tmp")) \(s.path("pid")); wait; fi; echo long >> \(s.path("ledger"))"
              - id: after
                run: "echo after >> \(s.path("ledger"))"
            """)
        let child = try s.start(["run", file])
        // The redirection creates the file before echo writes to it: wait for the pid itself.
        #expect(await eventually { !s.lines("pid").isEmpty })
        child.send(SIGINT)
        let outcome = await child.wait()
        #expect(outcome.status == 4)
        let pid = try #require(s.lines("pid").first.flatMap { Int32($0) })
        #expect(!processIsRunning(pid))
        let run = try #require(s.runs().first)
        let status = try await s.runbook(["status", run])
        #expect(status.stdout.contains("long   in flight"), "\(status.stdout)")
        #expect(s.lines("ledger").isEmpty)

        s.touch("go")
        let resumed = try await s.runbook(["resume", run])
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(s.lines("ledger") == ["long", "after"])
    }
}

/// Resume inside a sub-runbook.
@Suite("runbook resume of a sub-runbook (binary)")
struct ResumeSubRunbookTests {
    @Test("interrupted inside a `use`: resume asks nothing about the parent step, skips done sub-steps")
    func interruptedInsideUse() async throws {
        let s = try Scenario()
        defer { s.remove() }
        let ledger = s.path("ledger")
        _ = try s.write("sub.yaml", """
            runbook: sub
            steps:
              - id: one
                run: "echo one >> \(ledger)"
              - id: two
                idempotent: true
                run: "if [ ! -e \(s.path("go")) ]; then touch \(s.path("waiting")); sleep 30; fi; echo two >> \(ledger)"
            """)
        let file = try s.write("main.yaml", """
            runbook: main
            steps:
              - id: first
                run: "echo first >> \(ledger)"
              - id: inner
                use: sub.yaml
              - id: last
                run: "echo last >> \(ledger)"
            """)
        let run = try await s.interruptedRun(file, at: "waiting")
        s.touch("go")
        let resumed = try await s.runbook(["resume", run])
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(s.lines("ledger") == ["first", "one", "two", "last"])
    }
}
