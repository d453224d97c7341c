import Crypto
import Dispatch
import Foundation
import RunbookCore

/// A run's journal in the team store: one key per line, `PREFIX/runs/RUN/journal/SEQ` (SEQ
/// zero-padded to 10 digits), the same bytes and hash chain as `journal.jsonl`.
///
/// Lines are appended by transactions that succeed only if the first new key does not exist,
/// the line before it does, and the run's lock key is still the one this process wrote: two
/// writers can never interleave, and a run that lost its lock never journals again. A boundary
/// event is durable when its transaction returned (etcd commits it on a quorum); attempt-level
/// events ride with the next boundary in the same transaction. Every file a line names (the
/// setup files' digests, output files, snapshots) is put under `PREFIX/runs/RUN/files/` in the
/// same transaction (a large one in parts just before it, `EtcdRunFiles`), up to `fileCap` bytes
/// a run, so another machine can verify and resume it; past the cap, a record says where it is.
/// With `--audit-log`, each line is appended to that local file once etcd has committed it: the
/// log never holds a line the store refused.
public actor EtcdJournal: RunJournal {
    public nonisolated let run: String
    public private(set) var lastSequence: Int
    public var lastHash: String { previousHash }

    private let client: any EtcdClient
    private let keys: EtcdStateKeys
    private let directory: RunDirectory
    private let lock: EtcdLock
    private let operatorName: String
    private let scrubber: SecretScrubber
    private let clock: @Sendable () -> Int64
    private let fileCap: Int
    private var filesStored = 0
    private var previousHash: String
    private var syncedSequence: Int
    private var pending: [(sequence: Int, line: [UInt8], files: [String])] = []
    private var failure: EtcdStateError?
    /// Transactions sent and not yet seen answered: the last sequence each carries.
    private var inFlight: [(through: Int, lines: [[UInt8]], task: Task<Result<Bool, any Error>, Never>)] = []
    /// `--audit-log`: the shared local file committed lines are mirrored to.
    private let auditLog: (fd: Int32, path: String)?
    private var closed = false
    /// Where the blocking etcd calls (a socket round trip or an `etcdctl` process) run, off the cooperative pool.
    private let queue = DispatchQueue(label: "runbook.etcd.journal")

    /// Continues the run's journal in etcd after its last line.
    /// - Parameter auditLogPath: a shared append-only file that also receives every committed line.
    /// - Throws: `EtcdError` when etcd cannot be read; `JournalError` when the audit log cannot be opened.
    init(client: any EtcdClient, keys: EtcdStateKeys, directory: RunDirectory, lock: EtcdLock, operatorName: String,
         scrubber: SecretScrubber, fileCap: Int, auditLogPath: String? = nil,
         clock: @escaping @Sendable () -> Int64 = JournalClock.now) throws {
        self.client = client
        self.keys = keys
        self.directory = directory
        self.run = directory.runID
        self.lock = lock
        self.operatorName = operatorName
        self.scrubber = scrubber
        self.fileCap = fileCap
        self.clock = clock
        let lines = try client.list(prefix: keys.journal(directory.runID))
        self.lastSequence = lines.count
        self.syncedSequence = lines.count
        self.previousHash = lines.last.map { SHA256.hash(data: $0.value).hexString } ?? JournalRecord.genesisHash
        self.filesStored = try (client.list(prefix: keys.files(directory.runID)) + client.list(prefix: keys.parts(directory.runID)))
            .reduce(0) { $0 + $1.value.count }
        self.auditLog = try auditLogPath.map { (try PrivateFiles.openForAppend($0), $0) }
    }

    deinit {
        if let auditLog { closeDescriptor(auditLog.fd) }
    }

    public func record(_ event: RunEvent) async throws {
        if let sequence = try await write(event) { try await makeDurable(through: sequence) }
    }

    public func write(_ event: RunEvent) async throws -> Int? {
        if let failure { throw failure }
        if closed { throw EtcdStateError("the journal of run \(run) is closed") }
        let record = JournalRecord(sequence: lastSequence + 1, timestamp: JournalClock.rfc3339(milliseconds: clock()),
                                   run: run, operatorName: operatorName, event: scrubber.scrub(event),
                                   previousHash: previousHash)
        let line = JournalLineEncoder.encode(record)
        var files = (record.event.files ?? [:]).keys.sorted()
        files += [record.event.stdout?.file, record.event.stderr?.file, record.event.snapshot].compactMap { $0 }
        pending.append((record.sequence, line, files))
        lastSequence = record.sequence
        previousHash = SHA256.hash(data: line).hexString
        // A command's process is in etcd before the command runs anything: a resume on this
        // machine finds it still running (issue 12's rule).
        return event.kind.isBoundary || event.kind == .attemptProcess ? record.sequence : nil
    }

    public func makeDurable(through sequence: Int) async throws {
        if sequence <= syncedSequence { return }
        if let failure { throw failure }
        if !pending.isEmpty {
            guard lock.isAlive else { throw fail(lockLost) }
            let batch = pending
            pending = []
            let txns = transactions(batch)
            let client = self.client, queue = self.queue
            // Each transaction waits for the one before it: they reach etcd in journal order.
            // A large file's parts go first, each alone; the lines that name it come last.
            let previous = inFlight.last?.task
            let task = Task<Result<Bool, any Error>, Never> {
                _ = await previous?.value
                return await withCheckedContinuation { continuation in
                    queue.async {
                        continuation.resume(returning: Result {
                            for txn in txns {
                                guard try client.txn(txn) else { return false }
                            }
                            return true
                        })
                    }
                }
            }
            inFlight.append((batch.last?.sequence ?? 0, batch.map(\.line), task))
        }
        // Parallel instances share transactions: wait for the ones that carry this line.
        while syncedSequence < sequence, let first = inFlight.first {
            let result = await first.task.value
            // Parallel waiters share a transaction: the one that takes it off the queue mirrors it.
            let taken = inFlight.first?.through == first.through
            if taken { inFlight.removeFirst() }
            switch result {
            case .success(true):
                if taken, let auditLog { try mirror(first.lines, to: auditLog) }
                syncedSequence = max(syncedSequence, first.through)
            case .success(false):
                throw fail(lockLost)
            case .failure(let error):
                throw fail(EtcdStateError("the journal of run \(run) could not be written to the team store: \(error); the run stops here and can be resumed"))
            }
        }
        if syncedSequence < sequence, let failure { throw failure }
    }

    public func close() async {
        if !pending.isEmpty, let last = pending.last?.sequence { try? await makeDurable(through: last) }
        closed = true
    }

    private func mirror(_ lines: [[UInt8]], to log: (fd: Int32, path: String)) throws {
        do {
            for line in lines { try JournalWriter.mirror(line + [0x0A], to: log) }
            if fsync(log.fd) != 0 { throw JournalError.io(path: log.path, operation: "fsync", code: errno) }
        } catch {
            throw fail(EtcdStateError("the audit log \(log.path) could not be written: \(error); the run stops here and can be resumed"))
        }
    }

    private var lockLost: EtcdStateError {
        EtcdStateError("run \(run) lost its lock in the team store (its lease expired: the store was unreachable for longer than the lock TTL, or the lock was broken); the run stops here without running anything more; resume it with `runbook resume \(run)`")
    }

    private func fail(_ error: EtcdStateError) -> EtcdStateError {
        failure = error
        return error
    }

    /// The transactions that carry `batch`: one per part of each large file it names, then the
    /// lines with the small files. Every one of them holds only while this process holds the lock.
    private func transactions(_ batch: [(sequence: Int, line: [UInt8], files: [String])]) -> [EtcdTxn] {
        let first = batch[0].sequence
        let locked = EtcdTxn.Compare.modified(lock.key, revision: lock.revision)
        var compares: [EtcdTxn.Compare] = [.absent(keys.line(run, first)), locked]
        if first > 1 { compares.append(.present(keys.line(run, first - 1))) }
        var operations: [EtcdTxn.Operation] = []
        var parts: [EtcdTxn] = []
        var named = Set<String>()
        for entry in batch {
            operations.append(.put(keys.line(run, entry.sequence), entry.line, lease: nil))
            for file in entry.files where !named.contains(file) && !file.hasPrefix("/") && !file.contains("..") {
                named.insert(file)
                guard let (bytes, path) = readFile(file) else { continue }
                guard filesStored + bytes.count <= fileCap else {
                    operations.append(EtcdRunFiles.keptElsewhere(file, path: path, run: run, keys: keys))
                    continue
                }
                filesStored += bytes.count
                let stored = EtcdRunFiles.store(bytes, as: file, run: run, keys: keys)
                if let inline = stored.inline { operations.append(inline) }
                parts += stored.parts.map { EtcdTxn(compares: [locked], success: [$0]) }
            }
        }
        return parts + [EtcdTxn(compares: compares, success: operations)]
    }

    /// A file of the run directory and its path, wherever it is now (the staged `.RUN` is
    /// renamed to `RUN`).
    private func readFile(_ relative: String) -> (bytes: [UInt8], path: String)? {
        let parent = String(directory.path.prefix(upTo: directory.path.lastIndex(of: "/") ?? directory.path.startIndex))
        let published = parent.isEmpty ? directory.runID : "\(parent)/\(directory.runID)"
        for base in [directory.path, published] {
            if let bytes = try? PrivateFiles.read("\(base)/\(relative)") { return (bytes, "\(Self.absolute(published))/\(relative)") }
        }
        return nil
    }

    private static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}

/// A failure of the team store, as the operator reads it.
public struct EtcdStateError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Where everything lives under the store's prefix.
struct EtcdStateKeys: Sendable, Hashable {
    var prefix: String

    func runs() -> String { "\(prefix)/runs/" }
    func run(_ run: String) -> String { "\(prefix)/runs/\(run)/" }
    func journal(_ run: String) -> String { "\(prefix)/runs/\(run)/journal/" }
    func line(_ run: String, _ sequence: Int) -> String { journal(run) + Self.zeroPadded(sequence, width: 10) }
    func files(_ run: String) -> String { "\(prefix)/runs/\(run)/files/" }
    func file(_ run: String, _ relative: String) -> String { files(run) + relative }
    /// Files larger than one value (`EtcdRunFiles`), in zero-padded parts.
    func parts(_ run: String) -> String { "\(prefix)/runs/\(run)/parts/" }
    func part(_ run: String, _ relative: String, _ index: Int) -> String {
        parts(run) + relative + "/" + Self.zeroPadded(index, width: 6)
    }
    /// Zero-padded, so that etcd's key order is the numeric order.
    private static func zeroPadded(_ number: Int, width: Int) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
    /// Records of files past the run's cap, kept on the machine that ran the step.
    func elsewheres(_ run: String) -> String { "\(prefix)/runs/\(run)/elsewhere/" }
    func elsewhere(_ run: String, _ relative: String) -> String { elsewheres(run) + relative }
    func runLock(_ run: String) -> String { "\(prefix)/locks/run/\(run)" }
    func scopeLock(_ scope: String) -> String { "\(prefix)/locks/scope/\(RunDirectory.safeName(scope))" }
    /// The durable record of a run's driver (no lease): outlives a driver that died.
    func runRecord(_ run: String) -> String { "\(prefix)/records/run/\(run)" }
    /// The durable record of a scope's holder (no lease): outlives a holder that died.
    func scopeRecord(_ scope: String) -> String { "\(prefix)/records/scope/\(RunDirectory.safeName(scope))" }
}
