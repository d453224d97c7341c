import Dispatch
import Foundation
import Testing
import TestSupport
@testable import RunbookYAML
@testable import RunbookCore
@testable import RunbookEngine

/// Issue 15: "Parallel instances share fsyncs (group commit) without weakening that policy."
@Suite("Journal group commit")
struct GroupCommitTests {
    @Test("records written while an fsync runs share the next one, and none returns before it")
    func writerSharesFsyncs() async throws {
        let scratch = try Scratch(prefix: "runbook-group-commit")
        defer { scratch.remove() }
        let path = "\(scratch.path)/journal.jsonl"
        let gate = DispatchSemaphore(value: 0)
        let (entered, enteredContinuation) = AsyncStream.makeStream(of: Int.self)
        let calls = SyncCalls()
        let writer = try JournalWriter(path: path, run: "R1", operatorName: "op", clock: JournalFixtures.clock(),
                                       sync: { _ in
                                           let call = calls.next()
                                           enteredContinuation.yield(call)
                                           if call == 1 { gate.wait() }
                                           return 0
                                       })
        let first = Task { try await writer.record(RunEvent(.stepStarted, step: "s0")) }
        var syncs = entered.makeAsyncIterator()
        #expect(await syncs.next() == 1)

        let returned = Returned()
        let others = (1...10).map { i in
            Task {
                try await writer.record(RunEvent(.stepStarted, step: "s\(i)"))
                await returned.add(i)
            }
        }
        // Every line is written while the first fsync is still held...
        while await writer.lastSequence < 11 { await Task.yield() }
        // ...but no record has returned: none of those lines is durable yet.
        #expect(await returned.all.isEmpty)

        gate.signal()
        try await first.value
        for task in others { try await task.value }
        #expect(await returned.all.count == 10)
        // One fsync for the first line, one shared by the ten written while it ran.
        #expect(calls.count == 2)
        #expect(try JournalReader.read(path).records.map(\.sequence) == Array(1...11))
        await writer.close()
    }

    @Test("a failed fsync fails every record waiting for it, and every later one")
    func failedFsyncFailsWaiters() async throws {
        let scratch = try Scratch(prefix: "runbook-group-commit")
        defer { scratch.remove() }
        let path = "\(scratch.path)/journal.jsonl"
        let writer = try JournalWriter(path: path, run: "R1", operatorName: "op", clock: JournalFixtures.clock(),
                                       sync: { _ in errno = EIO; return -1 })
        await #expect(throws: JournalError.io(path: path, operation: "fsync", code: EIO)) {
            try await writer.record(RunEvent(.stepStarted, step: "a"))
        }
        await #expect(throws: JournalError.io(path: path, operation: "fsync", code: EIO)) {
            try await writer.record(RunEvent(.stepStarted, step: "b"))
        }
        // An event that needs no fsync under the boundary policy is refused as well.
        await #expect(throws: JournalError.io(path: path, operation: "fsync", code: EIO)) {
            try await writer.record(RunEvent(.note, step: "b", message: "x"))
        }
        await writer.close()
    }

    @Test("the coordinator writes the next event while an earlier one waits to be durable")
    func coordinatorOverlapsDurability() async throws {
        let recorder = OverlapRecorder()
        let coordinator = RunCoordinator(recorder: recorder, reporter: SilentProgress(), resumedFrom: nil)
        async let a = coordinator.emit(RunEvent(.stepStarted, step: "a"))
        async let b = coordinator.emit(RunEvent(.stepStarted, step: "b"))
        let (okA, okB) = await (a, b)
        #expect(okA && okB)
        // Whichever came first waited for durability until the other's line was written.
        #expect(await recorder.linesWrittenWhenFirstBecameDurable == 2)
        #expect(await coordinator.state.steps.keys.sorted() == ["a", "b"])
    }
}

private final class SyncCalls: @unchecked Sendable {
    private let lock = NSLockLike()
    private var calls = 0
    var count: Int { lock.locked { calls } }
    func next() -> Int { lock.locked { calls += 1; return calls } }
}

private actor Returned {
    private(set) var all: [Int] = []
    func add(_ i: Int) { all.append(i) }
}

/// Holds the first event's durability until a second event has been written; one that records
/// whole events (the coordinator before group commit) is seen writing them one at a time.
private actor OverlapRecorder: EventRecorder {
    private var lines = 0
    private var waiting: CheckedContinuation<Void, Never>?
    private(set) var linesWrittenWhenFirstBecameDurable: Int?

    func record(_ event: RunEvent) async throws {
        lines += 1
        if linesWrittenWhenFirstBecameDurable == nil { linesWrittenWhenFirstBecameDurable = lines }
    }

    func write(_ event: RunEvent) async throws -> Int? {
        lines += 1
        waiting?.resume()
        waiting = nil
        return lines
    }

    func makeDurable(through sequence: Int) async throws {
        guard sequence == 1 else { return }
        if lines < 2 { await withCheckedContinuation { waiting = $0 } }
        linesWrittenWhenFirstBecameDurable = lines
    }
}
