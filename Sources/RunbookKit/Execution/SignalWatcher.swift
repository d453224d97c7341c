import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns SIGINT/SIGTERM into a graceful stop, and a second SIGINT into an immediate kill.
///
/// The signals are ignored at the process level (so the default action never kills `runbook`
/// mid-write) and delivered through dispatch sources; `deliver(_:)` is the same entry point for
/// tests.
public final class SignalWatcher: @unchecked Sendable {
    // `lock` guards `sources` and `received`.
    private let lock = NSLock()
    private var sources: [any DispatchSourceSignal] = []
    private var received = 0
    private let onInterrupt: @Sendable (Int32) -> Void
    private let onForceKill: @Sendable () -> Void
    private let signals: [Int32] = [SIGINT, SIGTERM]

    /// - Parameters:
    ///   - onInterrupt: the first SIGINT or SIGTERM (e.g. `engine.interrupt()`).
    ///   - onForceKill: a SIGINT after the first signal: kill everything now.
    public init(onInterrupt: @escaping @Sendable (Int32) -> Void,
                onForceKill: @escaping @Sendable () -> Void = { SignalWatcher.killChildrenAndExit() }) {
        self.onInterrupt = onInterrupt
        self.onForceKill = onForceKill
    }

    /// Starts watching; call `stop()` to restore the default actions.
    public func start() {
        lock.withLock {
            for signalNumber in signals {
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
                source.setEventHandler { [weak self] in self?.deliver(signalNumber) }
                source.resume()
                sources.append(source)
            }
        }
    }

    /// Stops watching and restores the default signal actions.
    public func stop() {
        lock.withLock {
            for source in sources { source.cancel() }
            sources = []
            for signalNumber in signals { signal(signalNumber, SIG_DFL) }
        }
    }

    /// Handles one signal as if it had arrived.
    public func deliver(_ signalNumber: Int32) {
        let count = lock.withLock {
            received += 1
            return received
        }
        if count == 1 {
            onInterrupt(signalNumber)
        } else if signalNumber == SIGINT {
            onForceKill()
        }
    }

    /// SIGKILL to the process group of every direct child (each command leads its own group),
    /// then exit 130 at once.
    public static func killChildrenAndExit() -> Never {
        for child in directChildren() {
            _ = kill(-child, SIGKILL)
            _ = kill(child, SIGKILL)
        }
        exit(130)
    }

    /// Pids whose parent is this process, from `/proc` (empty where there is none).
    static func directChildren() -> [pid_t] {
        let me = getpid()
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { name -> pid_t? in
            guard let pid = pid_t(name),
                let stat = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return nil }
            // Fields after the command name: state, ppid, ...
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 1, pid_t(fields[1]) == me else { return nil }
            return pid
        }
    }
}
