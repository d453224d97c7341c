import Foundation
import Testing
import RunbookCore
import RunbookEngine
import TestSupport

@Suite("Engine approvals and interrupts")
struct EngineInterruptTests {
    static func confirmStep() -> Step {
        .test("ask", .confirm(Confirmation(prompt: .test("Remove the etcd member?"), answer: .test("yes"))))
    }

    @Test("a refused confirm stops the run resumably (exit 4); nothing after it runs, nothing is rolled back")
    func confirmRefused() async throws {
        let h = try EngineHarness()
        let approver = FixedApprover(.refused(typed: "no"))
        let runbook = Runbook.test([
            .run("before", "true", rollback: ["touch \(h.path("undone"))"]),
            Self.confirmStep(),
            .run("after", "touch \(h.path("after"))"),
        ])
        let outcome = await h.engine(runbook, approver: approver).run()

        #expect(outcome.exitCode == 4)
        #expect(outcome.status == .interrupted)
        #expect(outcome.failedStep == "ask")
        #expect(await approver.asked == ["ask: Remove the etcd member? [yes]"])
        #expect(!FileManager.default.fileExists(atPath: h.path("after")))
        #expect(!FileManager.default.fileExists(atPath: h.path("undone")))
        let answered = await h.recorder.events.first { $0.kind == .confirmAnswered }
        #expect(answered?.message == "refused: the answer was not 'yes'")
        #expect(outcome.state.steps["ask"]?.status == .inFlight)
        #expect(await h.recorder.events.last?.kind == .runInterrupted)
    }

    @Test("with no terminal and no --yes the run stops resumably")
    func confirmUnavailable() async throws {
        let h = try EngineHarness()
        let outcome = await h.engine(.test([Self.confirmStep()]),
                                     approver: FixedApprover(.unavailable(reason: "no terminal"))).run()
        #expect(outcome.exitCode == 4)
        #expect(outcome.reason == "confirmation no answer: no terminal")
    }

    @Test("--yes approves without asking and journals it")
    func assumeYes() async throws {
        let h = try EngineHarness()
        let approver = FixedApprover(.refused(typed: ""))
        let outcome = await h.engine(.test([Self.confirmStep(), .run("after", "true")]), approver: approver,
                                     assumeYes: true).run()
        #expect(outcome.exitCode == 0)
        #expect(await approver.asked.isEmpty)
        let answered = await h.recorder.events.first { $0.kind == .confirmAnswered }
        #expect(answered?.message == "approved by --yes")
    }

    @Test("an interrupt mid-step ends the process tree and exits 4 with nothing left running")
    func interruptMidStep() async throws {
        let h = try EngineHarness()
        let runbook = Runbook.test([
            // Written whole, then renamed: the test reads it as soon as it exists.
            .run("long", "sleep 1000 & echo $! > \(h.path("pid.tmp")); mv \(h.path("pid.tmp")) \(h.path("pid")); wait"),
            .run("after", "touch \(h.path("after"))"),
        ])
        let engine = h.engine(runbook)
        let run = Task { await engine.run() }
        // The shell creates the file before it writes the pid: wait for the pid itself.
        #expect(await h.waitUntil { h.read("pid").flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) } != nil })
        engine.interrupt()
        let outcome = await run.value

        #expect(outcome.exitCode == 4)
        #expect(outcome.status == .interrupted)
        let pid = try #require(h.read("pid").flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        #expect(!processIsRunning(pid))
        #expect(!FileManager.default.fileExists(atPath: h.path("after")))
        let events = await h.recorder.events
        #expect(events.first { $0.kind == .attemptFinished }?.status == .interrupted)
        #expect(events.last?.kind == .runInterrupted)
        #expect(events.last?.message == "interrupted; in flight: long")
        #expect(outcome.state.steps["long"]?.status == .inFlight)
    }

    @Test("an interrupt during a retry delay stops at once")
    func interruptDuringDelay() async throws {
        let h = try EngineHarness()
        var step = Step.run("flaky", "touch \(h.path("tried")); false")
        step.retries = Retries(attempts: 3, delay: .seconds(3600))
        let engine = Engine(runbook: .test([step]), params: [:], inventory: .empty, transports: TransportFactory(),
                            recorder: h.recorder, approver: FixedApprover(.refused(typed: "")),
                            reporter: SilentProgress(),
                            outputs: RunDirectoryOutputStore(directory: h.directory),
                            options: EngineOptions(clock: SystemEngineClock()))
        let run = Task { await engine.run() }
        #expect(await h.waitForFile("tried"))
        // The attempt is recorded as finished before the delay starts.
        while await h.recorder.events.contains(where: { $0.kind == .attemptFinished }) == false {
            try await Task.sleep(for: .milliseconds(5))
        }
        engine.interrupt()
        let outcome = await run.value
        #expect(outcome.exitCode == 4)
        #expect(outcome.state.steps["flaky"]?.attempts == 1)
    }
}
