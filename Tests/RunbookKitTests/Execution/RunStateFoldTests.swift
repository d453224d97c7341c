import Testing
import TestSupport
@testable import RunbookYAML
@testable import RunbookCore
@testable import RunbookEngine

/// The live run (`RunCoordinator`) and journal replay (`RunState.replay`) fold events with one
/// `RunState.apply`: fed the same events they must end in the same state.
@Suite("One run-state fold, live and replayed")
struct RunStateFoldTests {
    /// The state the live coordinator holds after recording `events` (before it marks a final status).
    private func live(_ events: [RunEvent], resumedFrom: RunState? = nil) async -> RunState {
        let coordinator = RunCoordinator(recorder: MemoryRecorder(), reporter: SilentProgress(), resumedFrom: resumedFrom)
        for event in events { await coordinator.emit(event) }
        return await coordinator.state
    }

    private func replayed(_ events: [RunEvent]) -> RunState {
        var state = RunState()
        for event in events { state.apply(event) }
        return state
    }

    private func replayedJournal(_ events: [RunEvent]) -> RunState {
        RunState.replay(events.enumerated().map { i, e in
            JournalRecord(sequence: i + 1, timestamp: "t", run: "R", operatorName: "op", event: e,
                          previousHash: JournalRecord.genesisHash)
        })
    }

    @Test("a step started again (--from) leaves the completion order and completes at its new place")
    func restart() async {
        let events = [
            RunEvent(.runStarted),
            RunEvent(.stepStarted, step: "a", host: "m0"), RunEvent(.stepSucceeded, step: "a", outputs: ["x": .string("1")]),
            RunEvent(.stepStarted, step: "b"), RunEvent(.stepSucceeded, step: "b"),
            RunEvent(.stepStarted, step: "a", host: "m0"),
        ]
        let state = await live(events)
        #expect(state == replayed(events))
        #expect(state.completionOrder == ["b"])
        #expect(state.steps["a"]?.status == .inFlight)
        // A success without outputs keeps the outputs it had.
        let more = events + [RunEvent(.stepSucceeded, step: "a")]
        #expect(await live(more) == replayed(more))
        #expect(await live(more).completionOrder == ["b", "a"])
        #expect(await live(more).steps["a"]?.outputs == ["x": .string("1")])
    }

    @Test("attempts count the journal's attempt numbers")
    func attempts() async {
        let events = [
            RunEvent(.runResumed),
            RunEvent(.stepStarted, step: "a"),
            RunEvent(.attemptStarted, step: "a", attempt: 3),
            RunEvent(.attemptFinished, step: "a", attempt: 3, status: .exited(1)),
            RunEvent(.attemptStarted, step: "a", attempt: 4),
        ]
        let state = await live(events)
        #expect(state == replayed(events))
        #expect(state.steps["a"]?.attempts == 4)
    }

    @Test("a rollback in flight is in flight in both")
    func rollbackInFlight() async {
        let events = [
            RunEvent(.runStarted),
            RunEvent(.stepStarted, step: "a"), RunEvent(.stepSucceeded, step: "a"),
            RunEvent(.stepStarted, step: "b"),
            RunEvent(.fileSnapshot, step: "b", host: "m0", path: "/etc/x", snapshot: "snapshots/x"),
            RunEvent(.stepSucceeded, step: "b"),
            RunEvent(.stepStarted, step: "c"), RunEvent(.stepFailed, step: "c", status: .exited(1)),
            RunEvent(.rollbackStarted),
            RunEvent(.rollbackStepStarted, step: "b"), RunEvent(.rollbackStepSucceeded, step: "b"),
            RunEvent(.rollbackStepStarted, step: "a"),
        ]
        let state = await live(events)
        #expect(state == replayed(events))
        #expect(state.steps["a"]?.rollbackInFlight == true)
        #expect(state.steps["b"]?.rollbackInFlight == false)
        #expect(state.rollingBack)
        let done = events + [RunEvent(.rollbackStepFailed, step: "a"), RunEvent(.rollbackFinished)]
        #expect(await live(done) == replayed(done))
        #expect(await live(done).status == .rollbackFailed)
    }

    @Test("a whole run: the live state is what replay of its journal rebuilds")
    func wholeRun() async {
        let events = JournalFixtures.successfulRun
        #expect(await live(events) == replayedJournal(events))
    }

    @Test("a resumed run folds onto the replayed state it started from")
    func resumed() async {
        let before = [
            RunEvent(.runStarted),
            RunEvent(.stepStarted, step: "a"), RunEvent(.attemptStarted, step: "a", attempt: 1),
            RunEvent(.runInterrupted),
        ]
        let after = [
            RunEvent(.runResumed), RunEvent(.stepStarted, step: "a"), RunEvent(.attemptStarted, step: "a", attempt: 2),
            RunEvent(.stepSucceeded, step: "a"), RunEvent(.runFinished, message: "succeeded"),
        ]
        let state = await live(after, resumedFrom: replayedJournal(before))
        #expect(state == replayed(before + after))
        #expect(state.steps["a"]?.attempts == 2)
        #expect(state.status == .succeeded)
    }
}
