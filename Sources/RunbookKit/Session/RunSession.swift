import Foundation

/// Sets a run up around the engine: run directory, pinned runbook texts, journal, locks,
/// secret scrubbing; then runs or resumes it. The CLI's `run` and `resume` are thin over this.
public enum RunSession {
    /// Starts a new run of a checked runbook.
    /// - Parameters:
    ///   - secrets: values of the secret params (never written anywhere).
    ///   - onEngine: called with the engine before it starts (the CLI connects signals to it).
    /// - Throws: `SessionError` when the run cannot start; nothing has run then.
    public static func start(
        _ invocation: RunInvocation, checked: RunbookValidation.Checked, inventory: Inventory,
        secrets: [String: Value], settings: RunSettings, onEngine: @Sendable (Engine) -> Void = { _ in }
    ) async throws(SessionError) -> SessionResult {
        let runbook = checked.runbook
        let params = invocation.params.merging(secrets) { a, _ in a }
        let scrubber = SecretScrubber(secrets: secrets.values.flatMap(Self.strings))
        let directory: RunDirectory
        var scopeLock: RunLock?
        do {
            let text = try PrivateFiles.read(invocation.file) ?? []
            let scope = try lockScope(runbook, params: params, secrets: Set(invocation.secretNames), inventory: inventory)
            // Staged: the run appears under runs/ only once it has all it needs to be resumed.
            let staged = try RunDirectory.create(stateDirectory: settings.stateDirectory, runbook: runbook.name,
                                                 file: invocation.file, runbookText: text,
                                                 operatorName: settings.operatorName, lockScope: scope, staged: true)
            for (path, sub) in checked.subRunbooks.sorted(by: { $0.key < $1.key }) {
                if let subText = try PrivateFiles.read(path) {
                    try staged.pinRunbook(subText, relativeName: RunDirectory.baseName(sub.file))
                }
            }
            try staged.saveParams(params, secretNames: Set(invocation.secretNames))
            try staged.saveInventory(inventory, scrubber: scrubber)
            try PrivateFiles.write(Array(try JSONEncoder().encode(invocation)), to: "\(staged.path)/\(RunInvocation.fileName)")
            try PrivateFiles.write([], to: staged.journalPath)
            // The lock scope is taken before the run appears: a run refused by the lock leaves nothing.
            if let scope {
                do {
                    scopeLock = try RunLock.lockScope(scope, stateDirectory: settings.stateDirectory,
                                                      holder: LockHolder.current(run: staged.runID),
                                                      breakLock: settings.breakLock)
                } catch {
                    try? FileManager.default.removeItem(atPath: staged.path)
                    throw error
                }
            }
            directory = try staged.publish()
        } catch let busy as LockBusy {
            throw .locked(busy.diagnostic)
        } catch let error as SessionError {
            throw error
        } catch {
            throw .io("cannot create the run directory under \(settings.stateDirectory): \(error)")
        }
        return try await execute(runbook: runbook, subRunbooks: checked.subRunbooks, params: params,
                                 secretNames: Set(invocation.secretNames), inventory: inventory,
                                 directory: directory, scrubber: scrubber, from: nil, decisions: [],
                                 settings: settings, scopeLock: scopeLock, onEngine: onEngine)
    }

    /// Runs the engine inside the run's locks with the journal, after the run directory exists.
    static func execute(
        runbook: Runbook, subRunbooks: [String: Runbook], params: [String: Value], secretNames: Set<String>,
        inventory: Inventory, directory: RunDirectory, scrubber: SecretScrubber, from state: RunState?,
        decisions: [RunEvent], settings: RunSettings, scopeLock: RunLock? = nil,
        onEngine: @Sendable (Engine) -> Void
    ) async throws(SessionError) -> SessionResult {
        let holder = LockHolder.current(run: directory.runID)
        var locks: [RunLock] = scopeLock.map { [$0] } ?? []
        defer { locks.forEach { $0.release() } }
        let writer: JournalWriter
        do {
            locks.append(try RunLock.lockRun(directory, holder: holder))
            if scopeLock == nil, let scope = try directory.metadata().lockScope {
                locks.append(try RunLock.lockScope(scope, stateDirectory: settings.stateDirectory, holder: holder,
                                                   breakLock: settings.breakLock))
            }
            writer = try JournalWriter(path: directory.journalPath, run: directory.runID,
                                       operatorName: settings.operatorName, scrubber: scrubber,
                                       auditLogPath: settings.auditLog)
            for lock in locks { if let event = lock.brokenLockEvent { try await writer.record(event) } }
            // With the locks held: what a killed earlier holder left running ends before anything starts.
            let earlier = OrphanGuard.runsToCheck(directory, locks: locks, stateDirectory: settings.stateDirectory)
            for event in await OrphanGuard.settle(runs: earlier, inventory: inventory, settings: settings) {
                try await writer.record(event)
            }
            for event in decisions { try await writer.record(event) }
        } catch let busy as LockBusy {
            throw .locked(busy.diagnostic)
        } catch {
            throw .io("cannot open the journal of run \(directory.runID): \(error)")
        }
        let outputs = ScrubbingOutputStore(base: RunDirectoryOutputStore(directory: URL(fileURLWithPath: directory.path)),
                                           scrubber: scrubber)
        let engine = Engine(runbook: runbook, subRunbooks: subRunbooks, params: params, secretParams: secretNames,
                            inventory: inventory, transports: settings.transports, recorder: writer,
                            approver: settings.approver, reporter: settings.reporter, outputs: outputs,
                            options: settings.engine)
        onEngine(engine)
        let outcome = await engine.run(from: state)
        await writer.close()
        return SessionResult(runID: directory.runID, directory: directory.path, outcome: outcome)
    }

    /// The runbook's `lock:` rendered with its params, or nil.
    static func lockScope(_ runbook: Runbook, params: [String: Value], secrets: Set<String>,
                          inventory: Inventory) throws(SessionError) -> String? {
        guard let lock = runbook.lock else { return nil }
        let context = EvaluationContext(params: RunScope.resolvedParams(params, for: runbook), secretParams: secrets,
                                        inventory: inventory)
        do {
            return try TemplateRenderer().render(lock, in: context, mode: .text).text
        } catch {
            throw .invalid([error])
        }
    }

    static func strings(_ value: Value) -> [String] {
        if case .list(let items) = value { return items.flatMap(strings) }
        return value.description.isEmpty ? [] : [value.description]
    }
}
