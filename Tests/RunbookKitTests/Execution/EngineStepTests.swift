import Foundation
import Testing
import RunbookCore
import RunbookEngine
import TestSupport

@Suite("Engine step semantics")
struct EngineStepTests {
    /// Increments a counter file and succeeds from the `succeedAt`-th call on.
    static func counting(_ file: String, succeedAt: Int) -> String {
        "n=$(cat \(file) 2>/dev/null || echo 0); n=$((n+1)); echo $n > \(file); [ $n -ge \(succeedAt) ]"
    }

    @Test("retries try again with delay × backoff until an attempt succeeds")
    func retriesWithBackoff() async throws {
        let h = try EngineHarness()
        var step = Step.run("flaky", Self.counting(h.path("n"), succeedAt: 3))
        step.retries = Retries(attempts: 4, delay: .seconds(1), backoff: 2)
        let outcome = await h.engine(.test([step])).run()

        #expect(outcome.exitCode == 0)
        #expect(h.read("n") == "3\n")
        #expect(h.clock.sleeps == [.seconds(1), .seconds(2)])
        #expect(outcome.state.steps["flaky"]?.attempts == 3)
    }

    @Test("retries give up after the last attempt")
    func retriesExhausted() async throws {
        let h = try EngineHarness()
        var step = Step.run("flaky", Self.counting(h.path("n"), succeedAt: 9))
        step.retries = Retries(attempts: 2, delay: .seconds(3))
        let outcome = await h.engine(.test([step])).run()

        #expect(outcome.exitCode == 1)
        #expect(h.read("n") == "2\n")
        #expect(h.clock.sleeps == [.seconds(3)])
    }

    @Test("a timeout ends the whole process tree: the backgrounded grandchild is gone")
    func timeoutKillsTree() async throws {
        let h = try EngineHarness()
        var step = Step.run("hang", "sleep 1000 & echo $! > \(h.path("pid.tmp")); mv \(h.path("pid.tmp")) \(h.path("pid")); wait")
        step.timeout = TimeSpan(milliseconds: 300)
        let outcome = await h.engine(.test([step])).run()

        #expect(outcome.exitCode == 1)
        #expect(outcome.reason == "timed out")
        let pid = try #require(h.read("pid").flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        #expect(!processIsRunning(pid))
        let finished = await h.recorder.events.first { $0.kind == .attemptFinished }
        #expect(finished?.status == .timedOut)
    }

    @Test("check with expect: stdout, stderr and JSON predicates")
    func checkExpectations() async throws {
        let h = try EngineHarness()
        let json = #"{"items":[{"status":{"phase":"Running"}}]}"#
        let good = Expectation(stdoutContains: .test("Running"), stdoutNotContains: .test("NotReady"),
                               stdoutMatches: "^\\{", json: JSONExpectation(path: "$.items[0].status.phase",
                                                                            test: .equals(.test("Running"))))
        let bad = Expectation(json: JSONExpectation(path: "$.items[0].status.phase", test: .oneOf([.test("Pending")])))
        let outcome = await h.engine(.test([
            .test("ok", .check(.test("echo '\(json)'", expect: good))),
            .test("nope", .check(.test("echo '\(json)'", expect: bad))),
        ])).run()

        #expect(outcome.failedStep == "nope")
        #expect(outcome.reason == "check failed: $.items[0].status.phase is 'Running', expected one of Pending")
    }

    @Test("check expects a specific exit code")
    func checkExit() async throws {
        let h = try EngineHarness()
        let outcome = await h.engine(.test([
            .test("absent", .check(.test("exit 1", expect: Expectation(exit: 1)))),
            .test("present", .check(.test("echo boom >&2; exit 2"))),
        ])).run()
        #expect(outcome.failedStep == "present")
        #expect(outcome.reason == "check failed: exit 2: boom")
    }

    @Test("wait polls at its interval until the condition holds")
    func waitUntilHolds() async throws {
        let h = try EngineHarness()
        let condition = Condition.test(Self.counting(h.path("n"), succeedAt: 3), timeout: .seconds(60),
                                       interval: .seconds(5))
        let outcome = await h.engine(.test([.test("ready", .wait(condition))])).run()

        #expect(outcome.exitCode == 0)
        #expect(h.clock.sleeps == [.seconds(5), .seconds(5)])
        #expect(outcome.state.steps["ready"]?.attempts == 3)
    }

    @Test("wait fails when the condition does not hold within its timeout")
    func waitTimesOut() async throws {
        let h = try EngineHarness()
        let condition = Condition.test("echo Running", expect: Expectation(stdoutNotMatches: "Running"),
                                       timeout: .seconds(10), interval: .seconds(5))
        let outcome = await h.engine(.test([.test("drained", .wait(condition))])).run()

        #expect(outcome.exitCode == 1)
        #expect(outcome.reason == "wait did not hold within 10s: stdout matches 'Running'")
        #expect(outcome.state.steps["drained"]?.attempts == 3)  // at 0s, 5s and 10s
    }

    @Test("verify runs after run; a verify that never holds fails the step")
    func verifyAfterRun() async throws {
        let h = try EngineHarness()
        var ok = Step.run("ok", "touch \(h.path("made"))")
        ok.verify = .test("test -f \(h.path("made"))")
        var bad = Step.run("bad", "true")
        bad.verify = .test("test -f \(h.path("never"))", timeout: .seconds(2), interval: .seconds(1))
        let outcome = await h.engine(.test([ok, bad])).run()

        #expect(outcome.failedStep == "bad")
        #expect(outcome.reason == "verify: verify did not hold within 2s: exit 1")
        #expect(await h.recorder.lines([.stepSucceeded]) == ["stepSucceeded ok"])
    }

    @Test("captures by regex, JSON path and whole stdout land in the step's outputs")
    func captures() async throws {
        let h = try EngineHarness()
        var step = Step.run("member", #"echo 'Member 8e9e05c52164694d added'; echo '{"a":{"b":[7]}}' >&2; printf 'x\ny\n'"#)
        step.capture = [
            Capture(name: "id", source: .regex("^Member ([0-9a-f]+) added"), location: testLocation),
            Capture(name: "all", source: .stdout, location: testLocation),
        ]
        var json = Step.run("json", #"echo '{"items":[{"metadata":{"name":"master-0"}}],"n":3}'"#)
        json.capture = [
            Capture(name: "leader", source: .jsonPath("$.items[0].metadata.name"), location: testLocation),
            Capture(name: "n", source: .jsonPath("$.n"), location: testLocation),
        ]
        var missing = Step.run("missing", "echo nothing")
        missing.capture = [Capture(name: "id", source: .regex("id=(\\d+)"), location: testLocation)]
        let outcome = await h.engine(.test([step, json, missing])).run()

        #expect(outcome.state.steps["member"]?.outputs == [
            "id": .string("8e9e05c52164694d"), "all": .string("Member 8e9e05c52164694d added\nx\ny"),
        ])
        #expect(outcome.state.steps["json"]?.outputs == ["leader": .string("master-0"), "n": .int(3)])
        #expect(outcome.reason == #"capture id: 'id=(\d+)' matched nothing in stdout"#)
    }

    @Test("captures flow into later commands shell-quoted", .enabled(if: templateRendererIsImplemented))
    func capturesFlowQuoted() async throws {
        let h = try EngineHarness()
        var producer = Step.run("produce", #"echo "value=a b; touch \#(h.path("injected"))""#)
        producer.capture = [Capture(name: "v", source: .regex("value=(.*)"), location: testLocation)]
        let consumer = Step.test("consume", .run(.expr(.reference(["steps", "produce", "outputs", "v"]),
                                                       before: "printf '%s|' ", after: " > \(h.path("out"))")))
        let outcome = await h.engine(.test([producer, consumer])).run()

        #expect(outcome.exitCode == 0)
        #expect(h.read("out") == "a b; touch \(h.path("injected"))|")
        #expect(!FileManager.default.fileExists(atPath: h.path("injected")))
    }

    @Test("a false `when` skips the step (journaled) and the run goes on")
    func whenSkips() async throws {
        let h = try EngineHarness()
        var skipped = Step.run("maybe", "touch \(h.path("ran"))")
        skipped.when = .expr(.literal(.bool(false)))
        var literal = Step.run("literal", "touch \(h.path("ran2"))")
        literal.when = .test("false")
        var yes = Step.run("yes", "touch \(h.path("ran3"))")
        yes.when = .test("true")
        let outcome = await h.engine(.test([skipped, literal, yes])).run()

        #expect(outcome.exitCode == 0)
        #expect(await h.recorder.lines([.stepSkipped, .stepStarted]) == [
            "stepSkipped maybe", "stepSkipped literal", "stepStarted yes",
        ])
        #expect(!FileManager.default.fileExists(atPath: h.path("ran")))
        #expect(FileManager.default.fileExists(atPath: h.path("ran3")))
        #expect(outcome.state.steps["maybe"]?.status == .skipped)
    }

    @Test("a `when` that is not a boolean fails before anything runs")
    func whenNotBoolean() async throws {
        let h = try EngineHarness()
        var step = Step.run("maybe", "touch \(h.path("ran"))")
        step.when = .test("yes")
        let outcome = await h.engine(.test([step])).run()
        // The rule `plan` applies too (one resolver): a condition is one bool expression or true/false.
        #expect(outcome.reason == "test.yaml:1:1: error: a condition must be one expression such as ${{ params.force }}")
        #expect(!FileManager.default.fileExists(atPath: h.path("ran")))
    }
}
