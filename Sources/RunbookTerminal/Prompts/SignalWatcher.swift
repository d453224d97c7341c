import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RunbookCore

/// Turns SIGINT/SIGTERM/SIGHUP into a graceful stop, and a second SIGINT into an immediate kill.
///
/// SIGHUP is what an operator's lost terminal or ssh session sends: it stops the run like
/// SIGTERM (journaled, children stopped, resumable), and first points standard input and output
/// that are terminals at `/dev/null`, so nothing fails writing to a terminal that is gone.
///
/// On Linux a `sigaction` handler writes the signal number to a pipe that a dispatch read
/// source drains (the self-pipe trick): a dispatch signal source alone loses signals when the
/// thread the kernel picks has them unblocked while their disposition is `SIG_IGN`, which
/// depends on how the host process set up its threads. Elsewhere, signals are set to `SIG_IGN`
/// and delivered through dispatch signal sources. `deliver(_:)` is the same entry point for tests.
public final class SignalWatcher: @unchecked Sendable {
    // `lock` guards `sources` and `received`.
    private let lock = NSLock()
    private var sources: [any DispatchSourceSignal] = []
    private var received = 0
    private let onInterrupt: @Sendable (Int32) -> Void
    private let onForceKill: @Sendable () -> Void
    private let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// - Parameters:
    ///   - onInterrupt: the first SIGINT, SIGTERM or SIGHUP (e.g. `engine.interrupt()`).
    ///   - onForceKill: a SIGINT after the first signal: kill everything now.
    public init(onInterrupt: @escaping @Sendable (Int32) -> Void,
                onForceKill: @escaping @Sendable () -> Void = { SignalWatcher.killChildrenAndExit() }) {
        self.onInterrupt = onInterrupt
        self.onForceKill = onForceKill
    }

    /// Starts watching; call `stop()` to restore the default actions.
    public func start() {
        #if os(Linux)
        startWithPipe()
        #else
        startWithDispatchSources()
        #endif
    }

    #if os(Linux)
    private var pipeReader: (any DispatchSourceRead)?

    private func startWithPipe() {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return startWithDispatchSources() }
        for fd in fds {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, O_NONBLOCK)
        }
        signalPipeWriteEnd = fds[1]
        let reader = DispatchSource.makeReadSource(fileDescriptor: fds[0], queue: .global())
        reader.setEventHandler { [weak self] in
            var buffer = [UInt8](repeating: 0, count: 16)
            let n = read(fds[0], &buffer, buffer.count)
            guard n > 0 else { return }
            for signalNumber in buffer.prefix(n) { self?.deliver(Int32(signalNumber)) }
        }
        reader.setCancelHandler {
            close(fds[0])
            close(fds[1])
        }
        reader.resume()
        lock.withLock { pipeReader = reader }
        for signalNumber in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = forwardSignalToPipe
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(signalNumber, &action, nil)
        }
    }
    #endif

    private func startWithDispatchSources() {
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
            for signalNumber in signals { signal(signalNumber, SIG_DFL) }
            for source in sources { source.cancel() }
            sources = []
            #if os(Linux)
            pipeReader?.cancel()
            pipeReader = nil
            #endif
        }
    }

    /// Handles one signal as if it had arrived.
    public func deliver(_ signalNumber: Int32) {
        if signalNumber == SIGHUP { Self.detachFromTerminal() }
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

    /// Points each of stdin, stdout and stderr that is a terminal at `/dev/null`: after a hangup,
    /// writes to the terminal fail (EIO), and the run must still be able to stop cleanly.
    static func detachFromTerminal() {
        let null = open("/dev/null", O_RDWR | O_CLOEXEC)
        guard null >= 0 else { return }
        for fd in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] {
            // A terminal that is already hung up answers EIO instead of saying it is one.
            errno = 0
            if isatty(fd) == 1 || errno == EIO { _ = dup2(null, fd) }
        }
        close(null)
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

#if os(Linux)
/// The pipe the signal handler writes to; set before the handler is installed.
nonisolated(unsafe) private var signalPipeWriteEnd: Int32 = -1

/// The signal handler: only async-signal-safe work (one `write`).
private let forwardSignalToPipe: @convention(c) (Int32) -> Void = { signalNumber in
    var byte = UInt8(truncatingIfNeeded: signalNumber)
    _ = write(signalPipeWriteEnd, &byte, 1)
}
#endif
