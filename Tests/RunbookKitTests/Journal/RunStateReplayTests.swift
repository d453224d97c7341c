import Testing
@testable import RunbookYAML
@testable import RunbookCore
@testable import RunbookEngine

@Suite("Run state replay")
struct RunStateReplayTests {
    private func replay(_ events: [RunEvent]) -> RunState {
        RunState.replay(events.enumerated().map { i, e in
            JournalRecord(sequence: i + 1, timestamp: "t", run: "R", operatorName: "op", event: e,
                          previousHash: JournalRecord.genesisHash)
        })
    }

    @Test("a successful run: every step succeeded, in completion order, outputs kept")
    func success() {
        let state = replay(JournalFixtures.successfulRun)
        #expect(state.status == .succeeded)
        #expect(state.completionOrder == ["cordon@node-1", "drain@node-1"])
        #expect(state.steps["cordon@node-1"] == RunState.StepRecord(key: "cordon@node-1", status: .succeeded,
                                                                     host: "node-1", attempts: 1, outputs: ["n": .int(1)]))
        #expect(!state.rollingBack)
    }

    @Test("failure and rollback: rolled back steps, failed step, final status")
    func failureAndRollback() {
        let state = replay([
            RunEvent(.runStarted),
            RunEvent(.stepStarted, step: "a"), RunEvent(.stepSucceeded, step: "a"),
            RunEvent(.stepStarted, step: "b"),
            RunEvent(.fileSnapshot, step: "b", host: "m0", path: "/etc/x", snapshot: "snapshots/b/m0%2Fetc%2Fx"),
            RunEvent(.stepSucceeded, step: "b"),
            RunEvent(.stepStarted, step: "c"), RunEvent(.stepFailed, step: "c", status: .exited(1)),
            RunEvent(.rollbackStarted),
            RunEvent(.rollbackStepStarted, step: "b"), RunEvent(.rollbackStepSucceeded, step: "b"),
            RunEvent(.rollbackStepStarted, step: "a"), RunEvent(.rollbackStepSucceeded, step: "a"),
            RunEvent(.rollbackFinished),
            RunEvent(.runFinished, message: "rolledBack"),
        ])
        #expect(state.status == .rolledBack)
        #expect(state.rollingBack)
        #expect(state.steps.mapValues(\.status) == ["a": .rolledBack, "b": .rolledBack, "c": .failed])
        #expect(state.snapshots["b"] == [FileSnapshotRecord(host: "m0", path: "/etc/x", snapshot: "snapshots/b/m0%2Fetc%2Fx")])
        #expect(state.rollbackRemaining.isEmpty)
    }

    @Test("a crash mid-step: interrupted, the step in flight")
    func crashMidStep() {
        let state = replay([
            RunEvent(.runStarted),
            RunEvent(.stepStarted, step: "a"), RunEvent(.stepSucceeded, step: "a"),
            RunEvent(.stepStarted, step: "b@h1", host: "h1"),
            RunEvent(.attemptStarted, step: "b@h1", host: "h1", attempt: 1),
        ])
        #expect(state.status == .interrupted)
        #expect(state.inFlightSteps == ["b@h1"])
        #expect(state.steps["b@h1"]?.attempts == 1)
        #expect(state.completionOrder == ["a"])
    }

    @Test("a crash mid-rollback: still rolling back, the rollback in flight, the rest left")
    func crashMidRollback() {
        let state = replay([
            RunEvent(.runStarted),
            RunEvent(.stepStarted, step: "a"), RunEvent(.stepSucceeded, step: "a"),
            RunEvent(.stepStarted, step: "b"), RunEvent(.stepSucceeded, step: "b"),
            RunEvent(.stepStarted, step: "c"), RunEvent(.stepFailed, step: "c"),
            RunEvent(.rollbackStarted),
            RunEvent(.rollbackStepStarted, step: "b"),
        ])
        #expect(state.status == .interrupted)
        #expect(state.rollingBack)
        #expect(state.steps["b"]?.rollbackInFlight == true)
        #expect(state.steps["b"]?.status == .succeeded)
        #expect(state.rollbackRemaining == ["b", "a"])
    }

    @Test("skipped steps and a resumed run that finishes")
    func skipAndResume() {
        let state = replay([
            RunEvent(.runStarted),
            RunEvent(.stepSkipped, step: "a", message: "when: false"),
            RunEvent(.stepStarted, step: "b"),
            RunEvent(.runInterrupted),
            RunEvent(.runResumed),
            RunEvent(.operatorDecision, step: "b", message: "skip: --skip b"),
            RunEvent(.stepSkipped, step: "b"),
            RunEvent(.stepStarted, step: "c"), RunEvent(.stepSucceeded, step: "c"),
            RunEvent(.runFinished, message: "succeeded"),
        ])
        #expect(state.status == .succeeded)
        #expect(state.steps.mapValues(\.status) == ["a": .skipped, "b": .skipped, "c": .succeeded])
        #expect(state.completionOrder == ["c"])
    }

    @Test("interrupted by a signal, and a failed stop without rollback")
    func interruptedAndFailed() {
        #expect(replay([RunEvent(.runStarted), RunEvent(.stepStarted, step: "a"), RunEvent(.runInterrupted)]).status == .interrupted)
        let failed = replay([RunEvent(.runStarted), RunEvent(.stepStarted, step: "a"), RunEvent(.stepFailed, step: "a"),
                             RunEvent(.runFinished, message: "failed")])
        #expect(failed.status == .failed)
        #expect(failed.steps["a"]?.status == .failed)
    }
}
