import Foundation
import RunbookCore

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
        var scopeLock: (any StateLock)?
        let runLock: any StateLock
        let writer: any RunJournal
        let backend = settings.backend
        do {
            let text = try PrivateFiles.read(invocation.file) ?? []
            let scope = try lockScope(runbook, params: params, secrets: Set(invocation.secretNames), inventory: inventory)
            // Setups that a killed process left behind (their run lock is free): nothing of them ran.
            RunDirectory.removeAbandonedSetups(stateDirectory: settings.stateDirectory)
            // Staged: the run appears under runs/ only once it has all it needs to be resumed.
            let staged = try RunDirectory.create(stateDirectory: settings.stateDirectory, runbook: runbook.name,
                                                 file: invocation.file, runbookText: text,
                                                 operatorName: settings.operatorName, lockScope: scope, staged: true)
            // Held from now on (the rename keeps the file): a setup in progress is never cleaned up.
            let holder = LockHolder.current(run: staged.runID, operatorName: settings.operatorName)
            runLock = try backend.lockRun(staged, holder: holder)
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
                    scopeLock = try backend.lockScope(scope, holder: holder,
                                                      breakLock: settings.breakLock)
                } catch {
                    try? FileManager.default.removeItem(atPath: staged.path)
                    throw error
                }
            }
            // The first line, with the digests of every setup file, is journaled before the run
            // appears: a published run's journal is never empty (an empty one was emptied).
            writer = try backend.journal(staged, operatorName: settings.operatorName, scrubber: scrubber,
                                         auditLog: settings.auditLog, runLock: runLock)
            try await writer.record(RunEvent(.runStarted, message: runbook.name, files: try staged.setupDigests()))
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
                                 settings: settings, runLock: runLock, scopeLock: scopeLock, writer: writer,
                                 onEngine: onEngine)
    }

    /// Runs the engine inside the run's locks with the journal, after the run directory exists.
    static func execute(
        runbook: Runbook, subRunbooks: [String: Runbook], params: [String: Value], secretNames: Set<String>,
        inventory: Inventory, directory: RunDirectory, scrubber: SecretScrubber, from state: RunState?,
        decisions: [RunEvent], settings: RunSettings, runLock: (any StateLock)? = nil, scopeLock: (any StateLock)? = nil,
        writer started: (any RunJournal)? = nil, onEngine: @Sendable (Engine) -> Void
    ) async throws(SessionError) -> SessionResult {
        let holder = LockHolder.current(run: directory.runID, operatorName: settings.operatorName)
        let backend = settings.backend
        var locks: [any StateLock] = [runLock, scopeLock].compactMap { $0 }
        defer { locks.forEach { $0.release() } }
        let writer: any RunJournal
        do {
            let heldRunLock = try runLock ?? backend.lockRun(directory, holder: holder)
            if runLock == nil { locks.append(heldRunLock) }
            if scopeLock == nil, let scope = try directory.metadata().lockScope {
                locks.append(try backend.lockScope(scope, holder: holder, breakLock: settings.breakLock))
            }
            writer = try started ?? backend.journal(directory, operatorName: settings.operatorName, scrubber: scrubber,
                                                    auditLog: settings.auditLog, runLock: heldRunLock)
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
                            approver: settings.approver,
                            reporter: scrubber.isEmpty ? settings.reporter : ScrubbingProgress(base: settings.reporter, scrubber: scrubber),
                            outputs: outputs,
                            options: settings.engine)
        onEngine(engine)
        var outcome = await engine.run(from: state, startJournaled: started != nil)
        // The seal: a journal later cut short of this line is caught by `audit verify` and `resume`.
        let seal = RunSeal(lines: await writer.lastSequence, sha256: await writer.lastHash)
        await writer.close()
        do {
            try backend.seal(seal, directory: directory)
        } catch {
            outcome.reason = [outcome.reason, "the journal's seal could not be written: \(error)"]
                .compactMap { $0 }.joined(separator: "; ")
        }
        return SessionResult(runID: directory.runID, directory: directory.path, outcome: outcome)
    }

    /// The runbook's `lock:` rendered with its params, or nil.
    static func lockScope(_ runbook: Runbook, params: [String: Value], secrets: Set<String>,
                          inventory: Inventory) throws(SessionError) -> String? {
        guard let lock = runbook.lock else { return nil }
        let context = EvaluationContext(params: RunScope.resolvedParams(params, for: runbook), secretParams: secrets,
                                        inventory: inventory)
        let rendered: TemplateRenderer.Rendered
        do {
            rendered = try TemplateRenderer().render(lock, in: context, mode: .text)
        } catch {
            throw .invalid([error])
        }
        // The checker refuses secret params in `lock:`; this catches any other way one gets in.
        guard rendered.redacted == rendered.text else {
            throw .invalid([.error("lock: renders a secret value, and the lock scope is stored and shown in clear",
                                   at: lock.location, hint: "lock on a name that is not secret")])
        }
        return rendered.text
    }

    static func strings(_ value: Value) -> [String] {
        if case .list(let items) = value { return items.flatMap(strings) }
        return value.description.isEmpty ? [] : [value.description]
    }
}
