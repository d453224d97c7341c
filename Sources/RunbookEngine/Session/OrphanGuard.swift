import RunbookCore

/// Keeps "never two copies of one step at once" across a `kill -9` of `runbook`.
///
/// Step commands run in their own process groups, so they outlive a killed `runbook`, while
/// its locks (flocks) go with it. Every attempt's process is journaled (`attemptProcess`)
/// before the command runs anything; before a run starts anything, with its locks held, this
/// looks up the journals of the run itself (a resume) and of the dead previous holders of its
/// locks (a new run of the same lock scope) for attempts that never ended and whose process
/// group still runs. Those are waited for, or stopped with `--kill-orphans`; either is journaled.
enum OrphanGuard {
    /// An attempt of an earlier process of a run whose commands still run.
    struct LeftRunning: Sendable {
        var run: String
        var step: String
        var host: String?
        var attempt: Int?
        var process: ProcessIdentity

        var label: String { "pid \(process.pid) (step \(step)) from the killed run \(run)" }
    }

    /// The run itself (a resume), and the runs that held `locks` last and died holding them
    /// (their lock files still name them): each with its journal.
    static func runsToCheck(_ directory: RunDirectory, locks: [any StateLock],
                            stateDirectory: String) -> [(id: String, journalPath: String)] {
        let holders = locks.compactMap(\.previousHolder?.run).filter { !$0.contains("/") && !$0.hasPrefix(".") }
        return [(directory.runID, directory.journalPath)] + holders.map { run in
            (run, RunDirectory(path: "\(stateDirectory)/runs/\(run)", runID: run).journalPath)
        }
    }

    /// The attempts journaled in `journalPath` that started a process and never ended, and whose
    /// process group still runs on this machine.
    static func leftRunning(run: String, journalPath: String) -> [LeftRunning] {
        neverEnded(run: run, journalPath: journalPath).filter { $0.process.isRunning }
    }

    /// The attempts journaled in `journalPath` that started a process and never ended, wherever
    /// they ran: on another machine nothing here can tell whether they still run.
    static func neverEnded(run: String, journalPath: String) -> [LeftRunning] {
        guard let bytes = try? PrivateFiles.read(journalPath) else { return [] }
        var open: [String: LeftRunning] = [:]
        // A journal broken part-way still names the processes before the break.
        _ = try? JournalReader(displayName: journalPath).forEachRecord(in: bytes) { record in
            let event = record.event
            guard let step = event.step else { return }
            switch event.kind {
            case .attemptProcess:
                guard let process = event.process else { return }
                open[step] = LeftRunning(run: run, step: step, host: event.host, attempt: event.attempt, process: process)
            case .attemptFinished:
                open[step] = nil
            default:
                break
            }
        }
        return open.values.sorted { $0.step < $1.step }
    }

    /// Waits for every command that `runs` left running to end, or stops them when
    /// `settings.killOrphans`; returns the events to journal.
    static func settle(runs: [(id: String, journalPath: String)], inventory: Inventory,
                       settings: RunSettings) async -> [RunEvent] {
        var events: [RunEvent] = []
        var seen = Set<String>()
        for run in runs where seen.insert(run.id).inserted {
            for orphan in leftRunning(run: run.id, journalPath: run.journalPath) {
                if settings.killOrphans {
                    events.append(await stop(orphan, inventory: inventory, settings: settings))
                } else {
                    settings.notice("waiting for \(orphan.label)… (it is still running; pass --kill-orphans to stop it instead)")
                    while orphan.process.isRunning {
                        try? await Task.sleep(for: .milliseconds(100))
                    }
                    events.append(RunEvent(.note, step: orphan.step, host: orphan.host, attempt: orphan.attempt,
                                           message: "waited for \(orphan.label) to end before starting", process: orphan.process))
                }
            }
        }
        return events
    }

    /// `--kill-orphans`: the remote command first (over ssh), then the local process group.
    private static func stop(_ orphan: LeftRunning, inventory: Inventory, settings: RunSettings) async -> RunEvent {
        settings.notice("stopping \(orphan.label) (--kill-orphans)")
        let grace = settings.engine.gracePeriod
        if let file = orphan.process.remoteGroupFile, let name = orphan.host, let host = inventory.host(name),
           let ssh = try? settings.transports.transport(for: host) as? SSHTransport {
            await ssh.stopRemoteCommand(groupFile: file, grace: grace)
        }
        let gone = await orphan.process.stop(grace: grace.duration)
        let message = gone
            ? "kill-orphans: stopped \(orphan.label)"
            : "kill-orphans: could not stop \(orphan.label); it may still be running"
        if !gone { settings.notice(message) }
        return RunEvent(.operatorDecision, step: orphan.step, host: orphan.host, attempt: orphan.attempt,
                        message: message, process: orphan.process)
    }
}
