import Foundation
import Testing
import RunbookCore
import RunbookEngine
import TestSupport

@Suite("Engine scheduling")
struct EngineSchedulingTests {
    @Test("independent steps overlap: each waits for a file the other creates")
    func independentStepsOverlap() async throws {
        let h = try EngineHarness()
        func waiter(_ mine: String, _ other: String) -> String {
            "touch \(h.path(mine)); i=0; while [ ! -f \(h.path(other)) ]; do i=$((i+1)); [ $i -gt 1000 ] && exit 1; sleep 0.01; done"
        }
        let runbook = Runbook.test([
            .run("x", waiter("x", "y"), needs: []),
            .run("y", waiter("y", "x"), needs: []),
        ])
        let outcome = await h.engine(runbook, parallel: 2).run()

        #expect(outcome.exitCode == 0)
        let order = await h.recorder.lines([.stepStarted, .stepSucceeded])
        #expect(Set(order.prefix(2)) == ["stepStarted x", "stepStarted y"])
        #expect(Set(order.suffix(2)) == ["stepSucceeded x", "stepSucceeded y"])
    }

    @Test("--parallel 1 runs independent steps one at a time")
    func parallelBound() async throws {
        let h = try EngineHarness()
        let runbook = Runbook.test([.run("x", "true", needs: []), .run("y", "true", needs: []), .run("z", "true", needs: [])])
        let outcome = await h.engine(runbook, parallel: 1).run()

        #expect(outcome.exitCode == 0)
        let order = await h.recorder.lines([.stepStarted, .stepSucceeded])
        for pair in stride(from: 0, to: order.count, by: 2) {
            #expect(order[pair].dropFirst("stepStarted ".count) == order[pair + 1].dropFirst("stepSucceeded ".count))
        }
    }

    @Test("a step without needs runs after the previous step")
    func implicitOrder() async throws {
        let h = try EngineHarness()
        let runbook = Runbook.test([.run("a", "true"), .run("b", "true"), .run("c", "true")])
        _ = await h.engine(runbook).run()
        #expect(await h.recorder.lines([.stepStarted, .stepSucceeded]) == [
            "stepStarted a", "stepSucceeded a", "stepStarted b", "stepSucceeded b", "stepStarted c", "stepSucceeded c",
        ])
    }

    @Test("a group `on` runs once per member; keys name the host")
    func groupFanOut() async throws {
        let h = try EngineHarness()
        let hosts = ["m0", "m1", "m2"].map { InventoryHost(name: $0, transport: .local) }
        let inventory = Inventory(hosts: hosts, groups: ["masters": ["m0", "m1", "m2"]])
        var all = Step.run("all", "true")
        all.on = .test("masters")
        var one = Step.run("one", "true")
        one.on = .test("masters[1]")
        let outcome = await h.engine(.test([all, one]), inventory: inventory).run()

        #expect(outcome.exitCode == 0)
        let done = await h.recorder.lines([.stepSucceeded])
        #expect(Set(done.prefix(3)) == ["stepSucceeded all@m0", "stepSucceeded all@m1", "stepSucceeded all@m2"])
        #expect(done.last == "stepSucceeded one@m1")
    }

    @Test("an unknown host fails the step with a positioned message")
    func unknownHost() async throws {
        let h = try EngineHarness()
        var step = Step.run("a", "true")
        step.on = .test("nowhere")
        let outcome = await h.engine(.test([step])).run()
        #expect(outcome.exitCode == 1)
        #expect(outcome.reason == "test.yaml:1:1: error: 'on: nowhere' is not a host or group of the inventory")
    }

    @Test("for_each stops launching items once more than max_failures failed")
    func forEachMaxFailures() async throws {
        let h = try EngineHarness()
        let counter = h.path("n")
        // Items run one at a time; the 2nd and 3rd fail.
        let command = "n=$(cat \(counter) 2>/dev/null || echo 0); n=$((n+1)); echo $n > \(counter); [ $n -ne 2 ] && [ $n -ne 3 ]"
        var step = Step.run("each", command)
        step.forEach = ForEach(items: .list(["a", "b", "c", "d"].map { Template.test($0) }), maxParallel: 1,
                               maxFailures: 1, location: testLocation)
        let outcome = await h.engine(.test([step])).run()

        #expect(outcome.exitCode == 1)
        #expect(outcome.failedStep == "each[c]")
        #expect(await h.recorder.lines([.stepSucceeded, .stepFailed]) == [
            "stepSucceeded each[a]", "stepFailed each[b]", "stepFailed each[c]",
        ])
        #expect(h.read("n") == "3\n")
    }

    @Test("for_each within max_failures succeeds and runs every item")
    func forEachTolerated() async throws {
        let h = try EngineHarness()
        var step = Step.run("each", "echo run >> \(h.path("log")); test ! -f \(h.path("log2")) && touch \(h.path("log2")) && exit 1; true")
        step.forEach = ForEach(items: .list(["a", "b", "c"].map { Template.test($0) }), maxParallel: 1,
                               maxFailures: 1, location: testLocation)
        let outcome = await h.engine(.test([step, .run("after", "true")])).run()

        #expect(outcome.exitCode == 0)
        #expect(h.read("log") == "run\nrun\nrun\n")
        #expect(await h.recorder.lines([.stepSucceeded]).last == "stepSucceeded after")
    }

    @Test("`use` runs the sub-runbook's steps with namespaced ids")
    func subRunbook() async throws {
        let h = try EngineHarness()
        let sub = Runbook.test([.run("inner", "touch \(h.path("inner"))"), .run("second", "true")], name: "backup")
        let use = Step.test("backup", .use(Use(reference: "backup", with: [], location: testLocation)))
        let outcome = await h.engine(.test([use, .run("after", "true")]), subRunbooks: ["backup": sub]).run()

        #expect(outcome.exitCode == 0)
        #expect(await h.recorder.lines([.stepSucceeded]) == [
            "stepSucceeded backup/inner", "stepSucceeded backup/second", "stepSucceeded backup", "stepSucceeded after",
        ])
    }

    @Test("a failing sub-runbook step rolls back the sub-runbook's completed steps too")
    func subRunbookRollback() async throws {
        let h = try EngineHarness()
        let sub = Runbook.test([.run("inner", "true", rollback: ["echo inner >> \(h.path("log"))"]), .run("bad", "false")],
                               name: "backup")
        let use = Step.test("backup", .use(Use(reference: "./backup.yaml", with: [], location: testLocation)))
        let outcome = await h.engine(.test([.run("first", "true", rollback: ["echo first >> \(h.path("log"))"]), use]),
                                     subRunbooks: ["backup": sub]).run()

        #expect(outcome.status == .rolledBack)
        #expect(outcome.failedStep == "backup/bad")
        #expect(h.read("log") == "inner\nfirst\n")
    }

    @Test("when the journal refuses an event, nothing more runs")
    func journalFailure() async throws {
        let h = try EngineHarness(recorder: MemoryRecorder(failAt: 2))
        let outcome = await h.engine(.test([.run("a", "touch \(h.path("ran"))")])).run()

        #expect(outcome.exitCode == 1)
        #expect(outcome.reason?.hasPrefix("the journal could not record stepStarted") == true)
        #expect(!FileManager.default.fileExists(atPath: h.path("ran")))
    }

    @Test("resume does not re-run completed instances")
    func resumeSkipsCompleted() async throws {
        let h = try EngineHarness()
        let previous = RunState(status: .interrupted,
                                steps: ["a": .init(key: "a", status: .succeeded, outputs: ["v": .string("1")])],
                                completionOrder: ["a"])
        let runbook = Runbook.test([.run("a", "touch \(h.path("a"))"), .run("b", "touch \(h.path("b"))")])
        let outcome = await h.engine(runbook).run(from: previous)

        #expect(outcome.exitCode == 0)
        #expect(!FileManager.default.fileExists(atPath: h.path("a")))
        #expect(FileManager.default.fileExists(atPath: h.path("b")))
        #expect(outcome.state.completionOrder == ["a", "b"])
        #expect(await h.recorder.events.first?.kind == .runResumed)
    }
}
