import Foundation
import RunbookCore

/// The team store on etcd v3: journals, locks and every file a journal names live in etcd; a
/// local working copy (`stateDirectory`) holds the run directories a session and the readers
/// (`runs`, `status`, `audit`, `resume`) work on, refreshed from etcd by `pull`.
public struct EtcdStateBackend: StateBackend {
    public let config: EtcdStateConfig
    public let stateDirectory: String
    /// Bytes of files (setup files, outputs, snapshots) a run may keep in etcd.
    public var fileCap: Int
    let client: any EtcdClient
    let keys: EtcdStateKeys

    /// - Parameters:
    ///   - workingCopy: the local directory for the run directories.
    ///   - client: `config.makeClient` (the gateway over HTTP, or `etcdctl` for TLS) unless a test says otherwise.
    public init(config: EtcdStateConfig, workingCopy: String, fileCap: Int = 64 * 1024 * 1024,
                client: (any EtcdClient)? = nil) {
        self.config = config
        self.stateDirectory = workingCopy
        self.fileCap = fileCap
        self.client = client ?? config.makeClient(fileCap: fileCap)
        self.keys = EtcdStateKeys(prefix: config.prefix)
    }

    /// The working copy a store gets by default: `.runbook/team/<endpoints and prefix>`.
    public static func defaultWorkingCopy(for config: EtcdStateConfig) -> String {
        "\(RunDirectory.defaultStateDirectory)/team/"
            + RunDirectory.safeName(config.endpoints.joined(separator: ",") + config.prefix)
    }

    public var location: StateLocation { .etcd(config) }

    public func checkAvailable() throws { try client.checkReachable() }

    /// Issue 12's rule for the run itself: its lock keeps a durable record, so a resume learns
    /// that the previous driver died holding it. Died on this machine: its commands are waited for
    /// (`OrphanGuard`). Died on another one while a command ran: nothing here can see whether
    /// that command still runs, so the run is refused (exit 5, naming the steps and hosts) unless
    /// `--break-lock`, which is journaled. `--break-lock` never takes a lock a live process holds.
    public func lockRun(_ directory: RunDirectory, holder: LockHolder, breakLock: Bool) throws -> any StateLock {
        let label = "run \(directory.runID)"
        let lock = try EtcdLock.acquire(key: keys.runLock(directory.runID), label: label, holder: holder, breakLock: false,
                                        ttl: config.options.lockTTL, recordKey: keys.runRecord(directory.runID),
                                        client: client)
        try refuseIfLeftRunningElsewhere(lock, label: label, journalPath: directory.journalPath, breakLock: breakLock)
        return lock
    }

    /// Throws `LockBusy` (after stepping aside) when the lock's previous holder died on another
    /// machine while commands of its run were running; with `breakLock` the lock is kept and the
    /// override journaled.
    private func refuseIfLeftRunningElsewhere(_ lock: EtcdLock, label: String, journalPath: String, breakLock: Bool) throws {
        guard let previous = lock.previousHolder, previous.host != LockHolder.localHostName() else { return }
        let open = OrphanGuard.neverEnded(run: previous.run, journalPath: journalPath)
            .map { "step \($0.step)" + ($0.host.map { " on \($0)" } ?? "") }
        guard !open.isEmpty else { return }
        guard breakLock else {
            lock.yield()
            throw LockBusy(lock: label, holder: previous, stale: true, leftRunning: open)
        }
        lock.overridden = open
    }

    /// Issue 12's rule with a lease: a holder that died leaves its record (`EtcdLock`). Its
    /// journal is brought into the working copy, so that commands it left running on this
    /// machine are waited for (`OrphanGuard`); commands it left on another machine cannot be
    /// seen from here, so the lock is refused (exit 5, naming them) unless `--break-lock`.
    public func lockScope(_ scope: String, holder: LockHolder, breakLock: Bool) throws -> any StateLock {
        let label = "lock scope '\(scope)'"
        let lock = try EtcdLock.acquire(key: keys.scopeLock(scope), label: label, holder: holder, breakLock: breakLock,
                                        ttl: config.options.lockTTL, recordKey: keys.scopeRecord(scope), client: client)
        guard let previous = lock.previousHolder, previous.run != holder.run else { return lock }
        try? pull(run: previous.run)
        let journal = RunDirectory(path: "\(stateDirectory)/runs/\(previous.run)", runID: previous.run).journalPath
        try refuseIfLeftRunningElsewhere(lock, label: label, journalPath: journal, breakLock: breakLock)
        return lock
    }

    public func journal(_ directory: RunDirectory, operatorName: String, scrubber: SecretScrubber, auditLog: String?,
                        runLock: any StateLock) throws -> any RunJournal {
        guard let lock = runLock as? EtcdLock else {
            throw EtcdStateError("run \(directory.runID): the journal in etcd needs the run's lock in etcd")
        }
        return try EtcdJournal(client: client, keys: keys, directory: directory, lock: lock, operatorName: operatorName,
                               scrubber: scrubber, fileCap: fileCap, auditLogPath: auditLog)
    }

    public func seal(_ seal: RunSeal, directory: RunDirectory) throws {
        try seal.write(to: directory)
        guard let bytes = try PrivateFiles.read("\(directory.path)/\(RunSeal.fileName)") else { return }
        _ = try client.txn(EtcdTxn(compares: [], success: [.put(keys.file(directory.runID, RunSeal.fileName), bytes, lease: nil)]))
    }

    /// The key exists only while its lease lives, so its presence is the holder's liveness,
    /// whichever machine the holder is on. A store that cannot answer tells nothing (`missing`).
    public func probeRunLock(_ run: String) -> LockProbe {
        guard let kv = try? client.get(keys.runLock(run)) else { return .missing }
        return .held(try? JSONDecoder().decode(LockHolder.self, from: Data(kv.value)))
    }

    /// One read of every run lock instead of one call a run (`runs` lists them all).
    public func probeRunLocks(_ runs: [String]) -> [String: LockProbe] {
        let prefix = keys.runLock("")
        var probes = Dictionary(runs.map { ($0, LockProbe.missing) }, uniquingKeysWith: { first, _ in first })
        guard let held = try? client.list(prefix: prefix) else { return probes }
        for kv in held {
            probes[String(kv.key.dropFirst(prefix.count))] = .held(try? JSONDecoder().decode(LockHolder.self, from: Data(kv.value)))
        }
        return probes
    }

    /// Writes every run of the store (or those whose id starts with `run`) into the working
    /// copy: the files under `files/` as they are, the journal lines as `journal.jsonl`.
    public func pull(run: String?) throws {
        let all = try client.list(prefix: keys.runs())
        var byRun: [String: [EtcdKeyValue]] = [:]
        let runsPrefix = keys.runs()
        for kv in all {
            let rest = kv.key.dropFirst(runsPrefix.count)
            guard let slash = rest.firstIndex(of: "/") else { continue }
            let id = String(rest[..<slash])
            if let run, !id.hasPrefix(run) { continue }
            byRun[id, default: []].append(kv)
        }
        for (id, kvs) in byRun {
            try materialize(id, kvs)
        }
    }

    private func materialize(_ run: String, _ kvs: [EtcdKeyValue]) throws {
        let journalPrefix = keys.journal(run)
        let lines = kvs.filter { $0.key.hasPrefix(journalPrefix) }.sorted { $0.key < $1.key }
        guard !lines.isEmpty, !run.hasPrefix("."), !run.isEmpty else { return }
        let path = "\(stateDirectory)/runs/\(run)"
        try PrivateFiles.makeDirectory("\(stateDirectory)")
        try PrivateFiles.makeDirectory("\(stateDirectory)/runs")
        try PrivateFiles.makeDirectory(path)
        for (relative, bytes) in EtcdRunFiles.files(kvs, run: run, keys: keys) {
            let parts = relative.split(separator: "/")
            guard !parts.isEmpty, !parts.contains(".."), !relative.hasPrefix("/") else { continue }
            var directory = path
            for part in parts.dropLast() {
                directory += "/\(part)"
                try PrivateFiles.makeDirectory(directory)
            }
            try PrivateFiles.write(bytes, to: "\(path)/\(relative)")
        }
        let directory = RunDirectory(path: path, runID: run)
        let elsewhere = EtcdRunFiles.keptElsewhere(kvs, run: run, keys: keys)
        if !elsewhere.isEmpty { try KeptElsewhere.write(elsewhere, to: directory) }
        var journal: [UInt8] = []
        for line in lines { journal += line.value + [0x0A] }
        try PrivateFiles.write(journal, to: directory.journalPath)
    }
}
