#if canImport(Glibc)
import Glibc
#endif
import CProcess
import Foundation
import RunbookCore

/// A child process as started, with runbook's ends of its three pipes (all non-blocking and
/// close-on-exec): the child runs in its own session and process group, with default signal
/// dispositions, nothing blocked, and no descriptor of runbook's but its standard streams.
struct SpawnedProcess: Sendable {
    let pid: pid_t
    /// Write end of the child's standard input.
    let stdin: Int32
    /// Read ends of its standard output and error.
    let stdout: Int32
    let stderr: Int32
    /// A pidfd for the child; nil on kernels without pidfd (before Linux 5.3).
    private let pidfd: Int32?

    /// Why a process could not be started, in the system's words.
    struct Failure: Error, CustomStringConvertible {
        var description: String

        /// `CALL: the system's reason for CODE`.
        static func system(_ call: String, _ code: Int32) -> Failure {
            Failure(description: "\(call): \(String(cString: strerror(code)))")
        }
    }

    /// Starts `path` (an absolute path) with `arguments` (`argv[0]` first) and `environment`
    /// (`NAME=value` entries).
    /// - Throws: `Failure` when a pipe or the process cannot be created, or when an argument
    ///   or variable holds a NUL byte (it would silently cut the text the plan showed).
    init(_ path: String, arguments: [String], environment: [String]) throws(Failure) {
        if let bad = arguments.first(where: Self.hasNUL) ?? environment.first(where: Self.hasNUL) {
            throw Failure(description: "an argument or environment entry contains a NUL byte: \(bad.debugDescription)")
        }
        // stdin's write end and the read ends of stdout and stderr are runbook's, non-blocking.
        var pipes: [[Int32]] = []
        for (nonblockingRead, nonblockingWrite): (Int32, Int32) in [(0, 1), (1, 0), (1, 0)] {
            var fds: [Int32] = [-1, -1]
            guard cprocess_pipe(&fds, nonblockingRead, nonblockingWrite) == 0 else {
                let code = errno
                Self.close(pipes.flatMap { $0 })
                throw .system("pipe", code)
            }
            pipes.append(fds)
        }
        let (input, output, errors) = (pipes[0], pipes[1], pipes[2])
        var pid: pid_t = 0
        let result = Self.withCStrings(arguments) { argv in
            Self.withCStrings(environment) { envp in
                cprocess_spawn(path, argv, envp, input[0], output[1], errors[1], &pid)
            }
        }
        // The child has its copies; runbook keeps only its own ends.
        Self.close([input[0], output[1], errors[1]])
        guard result == 0 else {
            Self.close([input[1], output[0], errors[0]])
            throw .system("posix_spawn", result)
        }
        self.pid = pid
        stdin = input[1]
        stdout = output[0]
        stderr = errors[0]
        let fd = cprocess_pidfd_open(pid)
        pidfd = fd >= 0 ? fd : nil
    }

    /// Waits for the child to exit and reaps it. The pidfd is watched by `reactor`; without a
    /// pidfd, a thread of its own blocks in `waitid` for this child.
    func exitStatus(reactor: IOReactor) async -> ExitStatus {
        if let pidfd {
            var reap = Reap.failed
            // A wake-up can come from a stale event of a closed descriptor whose number the pidfd
            // reuses: the reap does not block, and a child still running is waited for again.
            repeat {
                guard await reactor.wait(for: pidfd) else { break }
                reap = reapIfExited()
            } while reap == .running
            reactor.forget(pidfd)
            Glibc.close(pidfd)
            if case .exited(let status) = reap { return status }
        }
        let pid = self.pid
        return await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var signaled: Int32 = 0, status: Int32 = 0
                // Fails only if something else reaped the child: its status is lost, and the
                // attempt is not reported as a success.
                guard cprocess_reap_pid(pid, &signaled, &status) == 0 else {
                    return continuation.resume(returning: .signaled(SIGKILL))
                }
                continuation.resume(returning: signaled == 0 ? .exited(status) : .signaled(status))
            }
        }
    }

    /// What a look at the child's state found.
    enum Reap: Equatable {
        case exited(ExitStatus)
        case running
        /// No pidfd, or `waitid` failed.
        case failed
    }

    /// Reaps the child if it has exited; never blocks.
    func reapIfExited() -> Reap {
        guard let pidfd else { return .failed }
        var signaled: Int32 = 0, status: Int32 = 0
        switch cprocess_reap_pidfd(pidfd, &signaled, &status) {
        case 0: return .exited(signaled == 0 ? .exited(status) : .signaled(status))
        case 1: return .running
        default: return .failed
        }
    }

    /// True when `text` holds a NUL byte (memchr over its UTF-8: the generic `contains` was
    /// 2% of the engine thread in a fan-out, with some 35 variables per spawn).
    private static func hasNUL(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in bytes.baseAddress.map { memchr($0, 0, bytes.count) != nil } ?? false }
    }

    private static func close(_ fds: [Int32]) {
        for fd in fds where fd >= 0 { Glibc.close(fd) }
    }

    /// A NULL-terminated array of C strings, alive for the call.
    private static func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
        let pointers = strings.map { strdup($0) } + [nil]
        defer { for pointer in pointers { free(pointer) } }
        return body(pointers)
    }
}
