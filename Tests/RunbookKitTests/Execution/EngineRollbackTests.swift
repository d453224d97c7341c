import Foundation
import Testing
import RunbookCore
import RunbookEngine
import TestSupport

@Suite("Engine rollback saga")
struct EngineRollbackTests {
    @Test("rollbacks run in exact reverse completion order, then the run is rolled back (exit 1)")
    func reverseCompletionOrder() async throws {
        let h = try EngineHarness()
        let log = h.path("log")
        // b waits for a file that only `after-c` (which needs c) creates, so c completes before b
        // although b comes first in the list.
        let runbook = Runbook.test([
            .run("a", "true", rollback: ["echo a >> \(log)"]),
            .run("b", "while [ ! -f \(h.path("c-done")) ]; do sleep 0.01; done", needs: ["a"],
                 rollback: ["echo b >> \(log)"]),
            .run("c", "true", needs: ["a"], rollback: ["echo c >> \(log)"]),
            .run("after-c", "touch \(h.path("c-done"))", needs: ["c"], rollback: ["echo after-c >> \(log)"]),
            .run("d", "exit 3", needs: ["b", "after-c"]),
        ])
        let outcome = await h.engine(runbook).run()

        #expect(outcome.exitCode == 1)
        #expect(outcome.status == .rolledBack)
        #expect(outcome.failedStep == "d")
        #expect(outcome.reason == "exit 3")
        let completed = await h.recorder.lines([.stepSucceeded]).map { $0.replacingOccurrences(of: "stepSucceeded ", with: "") }
        #expect(Array(completed.prefix(2)) == ["a", "c"])
        #expect(Set(completed) == ["a", "b", "c", "after-c"])
        let rolledBack = await h.recorder.lines([.rollbackStepStarted])
            .map { $0.replacingOccurrences(of: "rollbackStepStarted ", with: "") }
        #expect(rolledBack == completed.reversed())
        #expect(h.read("log") == completed.reversed().map { "\($0)\n" }.joined())
        #expect(outcome.state.completionOrder == completed)
        #expect(outcome.state.steps["b"]?.status == .rolledBack)
        let kinds = await h.recorder.events.map(\.kind)
        #expect(kinds.last == .runFinished)
        #expect(kinds.contains(.rollbackStarted) && kinds.contains(.rollbackFinished))
    }

    @Test("a failed rollback stops with exit 3 and lists what is left, most recent first")
    func failedRollback() async throws {
        let h = try EngineHarness()
        let runbook = Runbook.test([
            .run("a", "true", rollback: ["touch \(h.path("a-undone"))"]),
            .run("b", "true", rollback: ["echo cannot >&2; exit 7"]),
            .run("c", "false"),
        ])
        let outcome = await h.engine(runbook).run()

        #expect(outcome.exitCode == 3)
        #expect(outcome.status == .rollbackFailed)
        #expect(outcome.leftForHuman == [
            "b: rollback `echo cannot >&2; exit 7`: exit 7: cannot — still to do: b: echo cannot >&2; exit 7",
            "a: touch \(h.path("a-undone"))",
        ])
        #expect(!FileManager.default.fileExists(atPath: h.path("a-undone")))
        #expect(await h.recorder.lines([.rollbackStepFailed, .rollbackStepSucceeded]) == ["rollbackStepFailed b"])
        #expect(outcome.state.steps["b"]?.status == .rollbackFailed)
        #expect(outcome.state.steps["a"]?.status == .succeeded)
    }

    @Test("on_failure: stop halts without rollback (exit 1) and runs nothing after")
    func stopPolicy() async throws {
        let h = try EngineHarness()
        let runbook = Runbook.test([
            .run("a", "true", rollback: ["touch \(h.path("undone"))"]),
            .run("b", "exit 2", onFailure: .stop),
            .run("c", "touch \(h.path("c"))"),
        ])
        let outcome = await h.engine(runbook).run()

        #expect(outcome.exitCode == 1)
        #expect(outcome.status == .failed)
        #expect(outcome.failedStep == "b")
        #expect(!FileManager.default.fileExists(atPath: h.path("undone")))
        #expect(!FileManager.default.fileExists(atPath: h.path("c")))
        #expect(await h.recorder.lines([.rollbackStarted]).isEmpty)
    }

    @Test("on_failure: continue records the failure and goes on")
    func continuePolicy() async throws {
        let h = try EngineHarness()
        let runbook = Runbook.test([
            .run("a", "exit 2", onFailure: .continue),
            .run("b", "touch \(h.path("b"))"),
        ])
        let outcome = await h.engine(runbook).run()

        #expect(outcome.exitCode == 0)
        #expect(outcome.continuedFailures == ["a"])
        #expect(FileManager.default.fileExists(atPath: h.path("b")))
        #expect(await h.recorder.lines([.stepFailed, .stepSucceeded]) == ["stepFailed a", "stepSucceeded b"])
    }

    @Test("a write is undone from its snapshot: exact previous bytes, and a new file is removed")
    func fileSnapshotRollback() async throws {
        let h = try EngineHarness()
        let original: [UInt8] = [0x66, 0x6f, 0x00, 0xff, 0x0a, 0x0d]
        try Data(original).write(to: URL(fileURLWithPath: h.path("config")))
        let runbook = Runbook.test([
            .test("rewrite", .file(.write(path: .test(h.path("config")), content: .test("new\n")))),
            .test("create", .file(.write(path: .test(h.path("fresh")), content: .test("x")))),
            .test("check-written", .run(.test("grep -q new \(h.path("config")) && test -f \(h.path("fresh")) && exit 9"))),
        ])
        let outcome = await h.engine(runbook).run()

        #expect(outcome.status == .rolledBack)
        #expect(outcome.reason == "exit 9")
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: h.path("config")))) == original)
        #expect(!FileManager.default.fileExists(atPath: h.path("fresh")))
        let snapshots = await h.recorder.events.filter { $0.kind == .fileSnapshot }
        #expect(snapshots.map(\.path) == [h.path("config"), h.path("fresh")])
        #expect(snapshots.map { $0.snapshot == nil } == [false, true])
        #expect(outcome.state.snapshots["rewrite"]?.count == 1)
    }

    @Test("a move is undone: both paths get their old contents back")
    func moveRollback() async throws {
        let h = try EngineHarness()
        try "pod".write(toFile: h.path("manifest.yaml"), atomically: true, encoding: .utf8)
        let runbook = Runbook.test([
            .test("stop-pod", .file(.move(from: .test(h.path("manifest.yaml")), to: .test(h.path("parked.yaml"))))),
            .run("fail", "exit 1"),
        ])
        let outcome = await h.engine(runbook).run()

        #expect(outcome.status == .rolledBack)
        #expect(h.read("manifest.yaml") == "pod")
        #expect(!FileManager.default.fileExists(atPath: h.path("parked.yaml")))
    }

    @Test("the archive action runs tar with quoted paths; rollback removes the archive")
    func archive() async throws {
        let h = try EngineHarness()
        try FileManager.default.createDirectory(atPath: h.path("it's here"), withIntermediateDirectories: true)
        try "x".write(toFile: h.path("it's here/f"), atomically: true, encoding: .utf8)
        let runbook = Runbook.test([
            .test("backup", .file(.archive(paths: [.test(h.path("it's here"))], to: .test(h.path("b.tgz"))))),
            .run("list", "tar tzf \(h.path("b.tgz")) | grep -q 'f$' && exit 5"),
        ])
        let outcome = await h.engine(runbook).run()

        #expect(outcome.reason == "exit 5")
        #expect(outcome.status == .rolledBack)
        #expect(!FileManager.default.fileExists(atPath: h.path("b.tgz")))
    }

    @Test("resuming a run that was rolling back runs only the rollbacks still to do, in reverse completion order")
    func resumeRollback() async throws {
        let h = try EngineHarness()
        let log = h.path("log")
        let runbook = Runbook.test([
            .run("a", "touch \(h.path("a-ran"))", rollback: ["echo a >> \(log)"]),
            .run("b", "touch \(h.path("b-ran"))", rollback: ["echo b >> \(log)"]),
            .run("c", "touch \(h.path("c-ran"))", rollback: ["echo c >> \(log)"]),
            .run("d", "touch \(h.path("d-ran"))"),
        ])
        // a, b and c completed; d failed; the rollback of c ran before the process died.
        let previous = RunState(status: .running, steps: [
            "a": .init(key: "a", status: .succeeded), "b": .init(key: "b", status: .succeeded),
            "c": .init(key: "c", status: .rolledBack), "d": .init(key: "d", status: .failed),
        ], completionOrder: ["a", "b", "c"], rollingBack: true)
        let outcome = await h.engine(runbook).run(from: previous)

        #expect(outcome.status == .rolledBack)
        #expect(h.read("log") == "b\na\n")
        for step in ["a", "b", "c", "d"] { #expect(!FileManager.default.fileExists(atPath: h.path("\(step)-ran"))) }
    }
}
