import Dispatch
import Foundation
import Testing
import TestSupport
@testable import RunbookCore
@testable import RunbookEngine

/// Issue 15: a step's two fsyncs were waited for one after the other, each before the engine did
/// anything else. Now the start line's fsync runs while the command's process is spawned (the
/// process waits at its gate), and the end line's fsync is shared with the next step's start.
/// The policy stays: no command runs before its step's start, and everything journaled before
/// it, is durable.
@Suite("A step's start is durable before its command runs")
struct StartDurabilityTests {
    @Test("the process is spawned while the start line's fsync runs; the command waits for it")
    func spawnOverlapsTheStartFsync() async throws {
        let h = try EngineHarness()
        // Held: the fsync that covers the step's start line. The command's process exists
        // (journaled) meanwhile, and has run nothing.
        try await Self.heldRun(h, .test([.run("a", "touch \(h.path("ran"))")]), holdingWhen: "stepStarted",
                               meanwhile: { $0.contains(#""event":"attemptProcess""#) })
    }

    @Test("the next step's command waits for the previous step's end line to be durable")
    func nextCommandWaitsForTheEndLine() async throws {
        let h = try EngineHarness()
        // Step b's process waits at its gate while a's end line is not durable.
        let runbook = Runbook.test([.run("a", "true"), .run("b", "touch \(h.path("ran"))", needs: ["a"])])
        try await Self.heldRun(h, runbook, holdingWhen: "stepSucceeded", meanwhile: { text in
            text.split(separator: "\n").contains { $0.contains(#""event":"attemptProcess""#) && $0.contains(#""step":"b""#) }
        })
    }

    @Test("an end line is made durable while another step's command still runs, not when it ends")
    func endLineDurableWhileOthersRun() async throws {
        let h = try EngineHarness()
        let journal = h.path("journal.jsonl")
        let synced = SyncedTexts()
        let writer = try JournalWriter(path: journal, run: "R", operatorName: "op", sync: { fd in
            synced.add(Self.text(journal))
            return fsync(fd)
        })
        // `long` runs until the test lets it end; `a` ends long before it.
        let runbook = Runbook.test([.run("long", "while [ ! -e \(h.path("go")) ]; do sleep 0.01; done", needs: []),
                                    .run("a", "true", needs: [])])
        let engine = Self.engine(h, runbook, recorder: writer)
        let run = Task { await engine.run() }

        #expect(await h.waitUntil(seconds: 20) {
            synced.any { $0.contains(#""event":"stepSucceeded""#) && $0.contains(#""step":"a""#) }
        })
        #expect(!Self.text(journal).contains(#""event":"runFinished""#))
        _ = FileManager.default.createFile(atPath: h.path("go"), contents: nil)
        #expect(await run.value.exitCode == 0)
        await writer.close()
    }

    @Test("a store that cannot share an end line's fsync (etcd): the next start is written only once it is durable")
    func storeWithoutSharingWaitsForTheEndLine() async throws {
        let h = try EngineHarness()
        let recorder = EndHoldingRecorder()
        let runbook = Runbook.test([.run("a", "true"), .run("b", "touch \(h.path("ran"))", needs: ["a"])])
        let run = Task { await Self.engine(h, runbook, recorder: recorder).run() }

        #expect(await h.waitUntil(seconds: 20) { recorder.holding })
        #expect(!recorder.kinds.contains("stepStarted b"))
        recorder.release()
        #expect(await run.value.exitCode == 0)
        #expect(recorder.kinds.filter { $0.hasPrefix("step") }
                    == ["stepStarted a", "stepSucceeded a", "stepStarted b", "stepSucceeded b"])
    }

    @Test("a transport without a gate: the command is not started before the start line is durable")
    func ungatedTransportWaitsBeforeRun() async throws {
        let h = try EngineHarness()
        let transports = TransportFactory(simulated: { ProcessTransport(host: $0) }, everyHostSimulated: true)
        try await Self.heldRun(h, .test([.run("a", "touch \(h.path("ran"))")]), holdingWhen: "stepStarted",
                               transports: transports, meanwhile: { $0.contains(#""event":"attemptStarted""#) })
    }

    @Test("a failed fsync of a step's end line: the next command never runs and the run fails")
    func failedEndFsyncStopsTheNextCommand() async throws {
        let h = try EngineHarness()
        let writer = try Self.failingAfterAnEndLine(h)
        let runbook = Runbook.test([.run("a", "true"), .run("b", "touch \(h.path("ran"))", needs: ["a"])])
        let outcome = await Self.engine(h, runbook, recorder: writer).run()
        #expect(outcome.status == .failed)
        #expect(outcome.exitCode != 0)
        #expect(outcome.reason?.contains("fsync") == true)
        #expect(!FileManager.default.fileExists(atPath: h.path("ran")))
        await writer.close()
    }

    @Test("a failed fsync of the last step's end line fails the run")
    func failedLastEndFsyncFailsTheRun() async throws {
        let h = try EngineHarness()
        let writer = try Self.failingAfterAnEndLine(h)
        let outcome = await Self.engine(h, .test([.run("a", "true")]), recorder: writer).run()
        #expect(outcome.status == .failed)
        #expect(outcome.reason?.contains("fsync") == true)
        await writer.close()
    }

    @Test("a sink that refuses the process: the gate stays shut and the command runs nothing")
    func refusedGateRunsNothing() async throws {
        let scratch = try Scratch(prefix: "runbook-gate")
        defer { scratch.remove() }
        let marker = "\(scratch.path)/ran"
        let sink = RefusingSink()
        let result = try await LocalTransport().run(CommandRequest(command: "touch \(marker)"), sink: sink)
        #expect(result.status == .exited(125))
        #expect(await sink.asked == 1)
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    /// Runs `runbook` (whose last step touches `ran`) with the first fsync after an `EVENT` line
    /// held: once the journal's text satisfies `meanwhile`, `ran` must not exist yet; after the
    /// release the run succeeds and `ran` exists.
    static func heldRun(_ h: EngineHarness, _ runbook: Runbook, holdingWhen event: String,
                        transports: any TransportProvider = TransportFactory(),
                        meanwhile: @escaping @Sendable (String) -> Bool) async throws {
        let journal = h.path("journal.jsonl")
        let sync = HeldSync(journal) { $0.contains(#""event":""# + event + #"""#) }
        let writer = try JournalWriter(path: journal, run: "R", operatorName: "op", sync: sync.call)
        let engine = Self.engine(h, runbook, recorder: writer, transports: transports)
        let run = Task { await engine.run() }

        #expect(await h.waitUntil(seconds: 20) { sync.holding })
        #expect(await h.waitUntil(seconds: 20) { meanwhile(Self.text(journal)) })
        #expect(!FileManager.default.fileExists(atPath: h.path("ran")))

        sync.release()
        #expect(await run.value.exitCode == 0)
        #expect(FileManager.default.fileExists(atPath: h.path("ran")))
        await writer.close()
    }

    /// A journal whose fsyncs fail (EIO) once it holds a `stepSucceeded` line.
    static func failingAfterAnEndLine(_ h: EngineHarness) throws -> JournalWriter {
        let journal = h.path("journal.jsonl")
        return try JournalWriter(path: journal, run: "R", operatorName: "op", sync: { fd in
            if Self.text(journal).contains(#""event":"stepSucceeded""#) { errno = EIO; return -1 }
            return fsync(fd)
        })
    }

    static func engine(_ h: EngineHarness, _ runbook: Runbook, recorder: any EventRecorder,
                       transports: any TransportProvider = TransportFactory()) -> Engine {
        Engine(runbook: runbook, params: [:], inventory: .empty, transports: transports, recorder: recorder,
               approver: FixedApprover(.refused(typed: "")), reporter: SilentProgress(),
               outputs: RunDirectoryOutputStore(directory: h.directory.appendingPathComponent("run")),
               options: EngineOptions(gracePeriod: .init(milliseconds: 300), clock: h.clock))
    }

    static func text(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
}

/// An fsync that blocks (once) when the journal's text first matches `when`, until released.
private final class HeldSync: @unchecked Sendable {
    // The lock guards `held` and `released`.
    private let lock = NSLockLike()
    private let gate = DispatchSemaphore(value: 0)
    private var held = false
    private var released = false
    private let path: String
    private let when: @Sendable (String) -> Bool

    init(_ path: String, when: @escaping @Sendable (String) -> Bool) {
        self.path = path
        self.when = when
    }

    var holding: Bool { lock.locked { held && !released } }

    var call: @Sendable (Int32) -> Int32 {
        { [self] fd in
            let hold = lock.locked {
                guard !held, when(StartDurabilityTests.text(path)) else { return false }
                held = true
                return true
            }
            if hold { gate.wait() }
            return fsync(fd)
        }
    }

    func release() {
        lock.locked { released = true }
        gate.signal()
    }
}

/// Refuses every process it is told about.
private actor RefusingSink: OutputSink {
    private(set) var asked = 0
    func write(_ bytes: [UInt8], to stream: RunbookCore.OutputStream) async {}
    func processStarted(_ identity: ProcessIdentity?) async -> Bool {
        asked += 1
        return false
    }
}

/// The journal's text at each fsync.
private final class SyncedTexts: @unchecked Sendable {
    // The lock guards `texts`.
    private let lock = NSLockLike()
    private var texts: [String] = []
    func add(_ text: String) { lock.locked { texts.append(text) } }
    func any(_ match: (String) -> Bool) -> Bool { lock.locked { texts.contains(where: match) } }
}

/// A group-commit recorder that does not let the engine share end lines' durability, and holds
/// the durability of the first `stepSucceeded` until released.
private final class EndHoldingRecorder: EventRecorder, @unchecked Sendable {
    // The lock guards every field.
    private let lock = NSLockLike()
    private var events: [RunEvent] = []
    private var held: CheckedContinuation<Void, Never>?
    private var heldOnce = false
    private var released = false

    var kinds: [String] { lock.locked { events.map { "\($0.kind.rawValue) \($0.step ?? "-")" } } }
    var holding: Bool { lock.locked { held != nil } }

    func record(_ event: RunEvent) async throws { lock.locked { events.append(event) } }

    func write(_ event: RunEvent) async throws -> Int? {
        lock.locked {
            events.append(event)
            return events.count
        }
    }

    func makeDurable(through sequence: Int) async throws {
        let hold = lock.locked {
            guard !heldOnce, !released, events[sequence - 1].kind == .stepSucceeded else { return false }
            heldOnce = true
            return true
        }
        guard hold else { return }
        await withCheckedContinuation { continuation in
            let resumeNow = lock.locked {
                if released { return true }
                held = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    func release() {
        let continuation = lock.locked {
            released = true
            defer { held = nil }
            return held
        }
        continuation?.resume()
    }
}
