import Crypto
import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RunbookYAML
import RunbookCore

/// Appends engine events to `journal.jsonl` as hash-chained JSON lines.
///
/// Each line is written with a single `write(2)` on an `O_APPEND` descriptor, so a crash can
/// only tear the last line. Step-boundary events are fsynced before `record` returns, which
/// is what lets the engine promise "journaled before run" (see `SyncPolicy` for the cost).
/// Every string goes through the `SecretScrubber` first.
///
/// Group commit: `record` writes its line, then waits until an fsync that started after the
/// write has finished. One fsync runs at a time, off the actor: lines written while it runs
/// wait for the next one, which covers them all. So instances running in parallel share fsyncs
/// and none of them goes on before its own line is durable.
public actor JournalWriter: EventRecorder {
    /// When lines are fsynced.
    public enum SyncPolicy: Sendable {
        /// After every line.
        case everyEvent
        /// After step-boundary events (`RunEvent.Kind.isBoundary`), the default. An fsync costs
        /// 1–2 ms on the project machines; attempt and note events ride along with the next
        /// boundary. A killed process loses nothing either way (written lines are in the page
        /// cache); only a power loss can drop the unsynced lines after the last boundary.
        case boundaries
    }

    /// The engine may share an end line's fsync with the next start line. If that fsync fails
    /// (a failing disk), the start line is in the file although its command never ran: a resume
    /// then asks about that step, the cautious answer (docs/journal.md, "Durability").
    public nonisolated var defersEndLines: Bool { true }

    /// The journal file.
    public nonisolated let path: String
    /// The run id stamped on every line.
    public nonisolated let run: String
    /// The operator stamped on every line.
    public nonisolated let operatorName: String
    /// Notes from opening the file: a torn last line that was cut off before appending.
    public nonisolated let openingNotes: [Diagnostic]
    /// The sequence number of the last line written (0 for an empty journal).
    public private(set) var lastSequence: Int
    /// SHA-256 of the last line written (64 zeros for an empty journal): with `lastSequence`,
    /// the seal written when the run ends.
    public var lastHash: String { previousHash }

    private let scrubber: SecretScrubber
    private let policy: SyncPolicy
    private let clock: @Sendable () -> Int64
    private let fd: Int32
    private let auditLog: (fd: Int32, path: String)?
    private var previousHash: String
    private var closed = false
    private var filesClosed = false
    /// Group commit: every line up to this sequence number is durable.
    private var syncedSequence: Int
    private var syncing = false
    private var syncWaiters: [(sequence: Int, continuation: CheckedContinuation<Void, any Error>)] = []
    private var syncFailure: JournalError?
    private let syncFile: @Sendable (Int32) -> Int32
    /// fsync blocks: it runs on a thread of its own, never on the cooperative pool.
    private let syncQueue = DispatchQueue(label: "runbook.journal.fsync")

    /// Opens (or creates, mode 0600) the journal at `path` to append to it.
    ///
    /// An existing journal is read first to continue its sequence and chain; a torn last line
    /// is cut off (reported in `openingNotes`) so the next line does not follow garbage.
    /// - Parameters:
    ///   - auditLogPath: a shared append-only file that also receives every line (`--audit-log`).
    ///   - clock: milliseconds since the Unix epoch; tests pass a fixed clock.
    ///   - sync: makes a descriptor durable (`fsync`); tests pass one they can hold.
    /// - Throws: `JournalError` when the files cannot be opened or the journal is broken before its last line.
    public init(path: String, run: String, operatorName: String, scrubber: SecretScrubber = SecretScrubber(),
                auditLogPath: String? = nil, policy: SyncPolicy = .boundaries,
                clock: @escaping @Sendable () -> Int64 = JournalClock.now,
                sync: @escaping @Sendable (Int32) -> Int32 = { fsync($0) }) throws {
        self.path = path
        self.run = run
        self.operatorName = operatorName
        self.scrubber = scrubber
        self.policy = policy
        self.clock = clock
        self.syncFile = sync
        let tail = try JournalTail.read(path)
        self.lastSequence = tail.sequence
        self.previousHash = tail.hash
        self.syncedSequence = tail.sequence
        self.openingNotes = tail.notes
        let fd = try PrivateFiles.openForAppend(path)
        if let cut = tail.truncateTo, ftruncate(fd, off_t(cut)) != 0 {
            let code = errno
            closeDescriptor(fd)
            throw JournalError.io(path: path, operation: "cut the torn last line of", code: code)
        }
        self.fd = fd
        if let auditLogPath {
            do {
                self.auditLog = (try PrivateFiles.openForAppend(auditLogPath), auditLogPath)
            } catch {
                closeDescriptor(fd)
                throw error
            }
        } else {
            self.auditLog = nil
        }
    }

    deinit {
        if !filesClosed {
            closeDescriptor(fd)
            if let auditLog { closeDescriptor(auditLog.fd) }
        }
    }

    /// Appends the event (scrubbed of secrets) as the next line and makes it durable.
    /// - Throws: `JournalError.io` when the line could not be written or synced; the engine must stop.
    public func record(_ event: RunEvent) async throws {
        if let sequence = try appendLine(event) { try await makeDurable(through: sequence) }
    }

    /// `record` in one synchronous call (its own fsync), for callers already on the actor.
    public func append(_ event: RunEvent) throws {
        guard let sequence = try appendLine(event) else { return }
        if syncFile(fd) != 0 { throw JournalError.io(path: path, operation: "fsync", code: errno) }
        if let auditLog, syncFile(auditLog.fd) != 0 {
            throw JournalError.io(path: auditLog.path, operation: "fsync", code: errno)
        }
        syncedSequence = max(syncedSequence, sequence)
    }

    /// Appends the event as the next line without waiting for it to be durable: the sequence
    /// number to pass to `makeDurable(through:)` when the policy syncs this event, else nil.
    /// - Throws: `JournalError.io` when the line could not be written; the engine must stop.
    public func write(_ event: RunEvent) async throws -> Int? {
        try appendLine(event)
    }

    private func appendLine(_ event: RunEvent) throws -> Int? {
        if let syncFailure { throw syncFailure }
        if closed { throw JournalError.io(path: path, operation: "write", code: EBADF) }
        let record = JournalRecord(sequence: lastSequence + 1, timestamp: JournalClock.rfc3339(milliseconds: clock()),
                                   run: run, operatorName: operatorName, event: scrubber.scrub(event),
                                   previousHash: previousHash)
        var line = JournalLineEncoder.encode(record)
        let hash = SHA256.hash(data: line).hexString
        line.append(0x0A)
        let end = lseek(fd, 0, SEEK_END)
        do {
            try PrivateFiles.writeAll(fd, line, path: path)
        } catch {
            // Leave no partial line for the next append to follow (it would break the file mid-way).
            if end >= 0 { _ = ftruncate(fd, end) }
            throw error
        }
        lastSequence = record.sequence
        previousHash = hash
        if let auditLog { try Self.mirror(line, to: auditLog) }
        return policy == .everyEvent || event.kind.isBoundary ? record.sequence : nil
    }

    /// Returns once every line up to `sequence` is durable (group commit: see the type's notes).
    /// - Throws: `JournalError.io` when an fsync failed; every later call fails the same way.
    public func makeDurable(through sequence: Int) async throws {
        if sequence <= syncedSequence { return }
        if let syncFailure { throw syncFailure }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            syncWaiters.append((sequence, continuation))
            if !syncing {
                syncing = true
                Task(executorPreference: IOReactor.preference) { await self.syncWhileWaited() }
            }
        }
    }

    /// Runs fsyncs one after the other while anyone waits; each covers every line written
    /// before it started.
    private func syncWhileWaited() async {
        while !syncWaiters.isEmpty {
            let target = lastSequence
            if let failure = await syncOffActor() {
                syncFailure = failure
                let waiting = syncWaiters
                syncWaiters = []
                for waiter in waiting { waiter.continuation.resume(throwing: failure) }
                break
            }
            syncedSequence = max(syncedSequence, target)
            let done = syncWaiters.filter { $0.sequence <= target }
            syncWaiters.removeAll { $0.sequence <= target }
            for waiter in done { waiter.continuation.resume() }
        }
        syncing = false
        if closed { closeFiles() }
    }

    /// fsync of the journal (and the audit log) on `syncQueue`; the error, or nil.
    private func syncOffActor() async -> JournalError? {
        let fd = self.fd, path = self.path, audit = auditLog, sync = syncFile
        return await withCheckedContinuation { (continuation: CheckedContinuation<JournalError?, Never>) in
            syncQueue.async {
                var failure: JournalError?
                if sync(fd) != 0 {
                    failure = JournalError.io(path: path, operation: "fsync", code: errno)
                } else if let audit, sync(audit.fd) != 0 {
                    failure = JournalError.io(path: audit.path, operation: "fsync", code: errno)
                }
                continuation.resume(returning: failure)
            }
        }
    }

    /// Closes the files (once a running fsync has finished); later `record` calls fail.
    public func close() {
        guard !closed else { return }
        closed = true
        if !syncing { closeFiles() }
    }

    private func closeFiles() {
        guard !filesClosed else { return }
        filesClosed = true
        closeDescriptor(fd)
        if let auditLog { closeDescriptor(auditLog.fd) }
    }

    /// Appends one journal line to a shared audit log (`--audit-log`); the etcd journal mirrors
    /// its committed lines through it too.
    static func mirror(_ line: [UInt8], to log: (fd: Int32, path: String)) throws {
        // Other runs append to the same file: hold the lock for the whole line.
        while flock(log.fd, LOCK_EX) != 0 {
            if errno != EINTR { throw JournalError.io(path: log.path, operation: "lock", code: errno) }
        }
        defer { flock(log.fd, LOCK_UN) }
        try PrivateFiles.writeAll(log.fd, line, path: log.path)
    }
}

extension RunEvent.Kind {
    /// Events fsynced even under `SyncPolicy.boundaries`: what resume and audit depend on.
    public var isBoundary: Bool {
        switch self {
        case .runStarted, .runResumed, .stepStarted, .stepSucceeded, .stepFailed, .stepSkipped, .fileSnapshot,
             .rollbackStarted, .rollbackStepStarted, .rollbackStepSucceeded, .rollbackStepFailed, .rollbackFinished,
             .runFinished, .runInterrupted, .operatorDecision, .confirmAnswered:
            true
        case .attemptStarted, .attemptFinished, .attemptProcess, .confirmAsked, .note:
            false
        }
    }
}

extension Sequence where Element == UInt8 {
    /// Lowercase hex, two digits a byte.
    var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in self { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 0xF)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
