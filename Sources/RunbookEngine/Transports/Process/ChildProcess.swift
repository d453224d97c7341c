#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import CProcess
import Synchronization
import RunbookYAML
import RunbookCore
import enum RunbookCore.OutputStream

/// One local child process run to completion: its own session and process group, output
/// streamed chunk by chunk, a timeout and interruption that end the whole process tree.
///
/// Both transports use it: `LocalTransport` runs `/bin/sh -c`, `SSHTransport` runs `ssh`.
package struct ChildProcess: Sendable {
    /// Absolute path, or a bare name looked up in `PATH`.
    var executable: String
    var arguments: [String]
    /// Variables added to (or replacing) the inherited environment.
    var environment: [String: String]
    /// Bytes for standard input (after the gate line); nil means none: end of file at once.
    var stdin: [UInt8]?
    var timeout: TimeSpan?
    var gracePeriod: TimeSpan
    /// For ssh: the remote file that will hold the remote command's group (journaled with the
    /// local process's identity).
    var remoteGroupFile: String? = nil
    /// The program itself waits for the gate line on its stdin before it runs anything (ssh:
    /// the remote wrapper reads it, `RemoteShell.wrap(gated: true)`), so it is spawned directly,
    /// without a gate shell in front: one local `exec` fewer per command (issue 15).
    var gatesItself = false

    /// How the process ended, with what `run` learnt on the way.
    struct Outcome: Sendable {
        var status: ExitStatus
        var duration: TimeSpan
    }

    /// Called once when a timeout or interruption is about to end the process, before any
    /// local signal is sent: `SSHTransport` ends the remote command here.
    typealias StopHook = @Sendable (StopReason) async -> Void

    /// Runs the process, streaming stdout and stderr to `sink` as they arrive.
    ///
    /// A timeout or task cancellation runs `beforeStop`, then SIGTERM to the process group,
    /// SIGKILL after `gracePeriod`, and finally kills any member still running after another
    /// grace period, so no grandchild survives. A non-zero exit is an outcome, not an error.
    /// - Throws: `TransportError(.launchFailed)` when the process cannot be started.
    func run(host: String, sink: any OutputSink, beforeStop: StopHook? = nil) async throws -> Outcome {
        _ = ignoreBrokenPipes
        let clock = ContinuousClock()
        let start = clock.now
        // An interrupted run starts nothing new.
        if Task.isCancelled { return Outcome(status: .interrupted, duration: TimeSpan(milliseconds: 0)) }
        // The gate's shell would only say "not found" (exit 127) for a missing program.
        guard let program = resolvedExecutable else {
            throw TransportError(.launchFailed, host: host, "could not run \(executable): not found or not executable")
        }
        let latch = StopLatch()
        let leader = GroupLeader()
        let launched = Task(executorPreference: IOReactor.preference) { try await launch(program, sink: sink, leader: leader) }
        // Unstructured on purpose: an interrupted run cancels the caller's task, and the stop
        // sequence (remote kill, SIGTERM, grace, SIGKILL) must still run to the end.
        let controller = Task(executorPreference: IOReactor.preference) {
            guard let reason = await latch.wait() else { return }
            await beforeStop?(reason)
            launched.cancel()
        }
        let timer = timeout.map { limit in
            Task(executorPreference: IOReactor.preference) {
                try? await Task.sleep(for: limit.duration)
                if !Task.isCancelled { await latch.request(.timedOut) }
            }
        }
        let result = await withTaskCancellationHandler {
            await launched.result
        } onCancel: {
            Task(executorPreference: IOReactor.preference) { await latch.request(.interrupted) }
        }
        timer?.cancel()
        await latch.finish()
        await controller.value
        let reason = await latch.reason
        if reason != nil, let group = await leader.group {
            await Task(executorPreference: IOReactor.preference) { await group.drain(grace: gracePeriod.duration) }.value
        }
        let duration = TimeSpan(milliseconds: Int((clock.now - start) / .milliseconds(1)))
        switch (reason, result) {
        case (.timedOut?, _): return Outcome(status: .timedOut, duration: duration)
        case (.interrupted?, _): return Outcome(status: .interrupted, duration: duration)
        case (nil, .success(let status)): return Outcome(status: status, duration: duration)
        case (nil, .failure(let error)):
            throw TransportError(.launchFailed, host: host, "could not run \(executable): \(error)")
        }
    }

    /// Variables never passed to a child (`SecretParamSource`).
    static let secretPrefix = "RUNBOOK_SECRET_"

    /// What every child inherits: this process's environment, read once (runbook never changes
    /// its own), less the secret params. Secret params reach steps only through their rendered
    /// commands (masked everywhere): never as inherited RUNBOOK_SECRET_* variables, which `env`
    /// would print and other users could read in /proc/PID/environ. Reading the environment
    /// and building it again for every spawn was ~8% of runbook's own CPU in a 1,000-host
    /// fan-out (issue 15).
    static let inherited: [String: String] = ProcessInfo.processInfo.environment.filter {
        !$0.key.hasPrefix(secretPrefix)
    }

    /// `inherited` as `NAME=value` entries, for the spawns that add nothing to it.
    private static let inheritedEntries = inherited.map { "\($0.key)=\($0.value)" }

    /// The child's environment as `NAME=value` entries: the inherited one with this request's
    /// variables added or replacing (never a secret-prefixed one).
    /// - Throws: `SpawnedProcess.Failure` for a name that is not a shell variable name (the rule
    ///   `SSHTransport` applies too: `RemoteShell.isVariableName`).
    func environmentEntries() throws(SpawnedProcess.Failure) -> [String] {
        let added = environment.filter { !$0.key.hasPrefix(Self.secretPrefix) }
        if added.isEmpty { return Self.inheritedEntries }
        if let bad = added.keys.sorted().first(where: { !RemoteShell.isVariableName($0) }) {
            throw SpawnedProcess.Failure(description: "invalid environment variable name \(bad.debugDescription)")
        }
        return Self.inherited.merging(added) { _, new in new }.map { "\($0.key)=\($0.value)" }
    }

    /// The program and its `argv` that run `program` (the executable's resolved path): the
    /// program itself when it gates its own input, else the gate shell in front of it.
    ///
    /// The child first waits for one line on stdin and only then execs the command: `launch`
    /// sends it once the process's identity is recorded, so a kill -9 of runbook can never
    /// leave a command running that the journal does not name. If runbook dies first, the
    /// pipe closes and the child exits without running anything.
    private func commandLine(_ program: String) -> (path: String, argv: [String]) {
        if gatesItself { return (program, [program] + arguments) }
        return ("/bin/sh", ["/bin/sh"] + gatedArguments)
    }

    /// The gate shell's arguments. A shell command (`/bin/sh -c COMMAND`, every local step) runs
    /// in the gate shell itself, written after the gate on the same line, so a step costs one
    /// `exec` of `/bin/sh`, not two (issue 15); `$0`, positional parameters, line numbers,
    /// messages and exit codes are those of `/bin/sh -c COMMAND`. Anything else is `exec`ed.
    var gatedArguments: [String] {
        if executable == "/bin/sh", arguments.count == 2, arguments[0] == "-c" {
            return ["-c", Self.shellGate + arguments[1], "/bin/sh"]
        }
        return ["-c", Self.gate, executable] + arguments
    }

    /// `executable` itself when it is a path, else the first executable file named so in `PATH`
    /// (the child's, else runbook's), as `execvp` picks it; nil when there is none.
    ///
    /// `posix_spawn` takes a path. (swift-subprocess, which spawned children until round 5 of
    /// issue 15, searched by spawning a child for every `PATH` entry until an `execve` worked:
    /// seven failed spawns before `/usr/bin/ssh` on the project machine, for every ssh command.)
    var resolvedExecutable: String? {
        if executable.contains("/") { return Self.isExecutableFile(executable) ? executable : nil }
        let path = environment["PATH"] ?? getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin"
        return Self.lookUp(executable, in: path)
    }

    /// The first `DIRECTORY/name` in the colon-separated `path` that is an executable regular
    /// file (an empty entry is the current directory, as for `execvp`).
    static func lookUp(_ name: String, in path: String) -> String? {
        for directory in path.split(separator: ":", omittingEmptySubsequences: false) {
            let candidate = (directory.isEmpty ? "." : String(directory)) + "/" + name
            if isExecutableFile(candidate) { return candidate }
        }
        return nil
    }

    /// A regular file (after links) this process may execute.
    private static func isExecutableFile(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return false }
        return access(path, X_OK) == 0
    }

    /// `sh -c GATE EXECUTABLE ARGS…`: `$0` is the executable (a path or a name found in `PATH`).
    /// `read` takes exactly one line, so the command gets the rest of stdin untouched.
    static let gate = #"IFS= read -r g && [ "$g" = go ] || exit 125; exec "$0" "$@""#

    /// The gate in front of a shell command's own text. A syntax error on the command's first
    /// line stops the shell before the gate runs: then nothing runs, as before.
    static let shellGate = #"IFS= read -r __runbook_gate && [ "$__runbook_gate" = go ] || exit 125; unset __runbook_gate; "#

    /// The line that opens the gate.
    static let gateLine = Array("go\n".utf8)

    private func launch(_ program: String, sink: any OutputSink, leader: GroupLeader) async throws -> ExitStatus {
        // A stop asked for before the spawn: nothing is started.
        try Task.checkCancellation()
        let reactor = try IOReactor.shared.get()
        let (path, argv) = commandLine(program)
        let environment = try environmentEntries()
        // Spawned on a long-lived thread of its own (see `SpawnThread`).
        let child = try await SpawnThread.shared.run {
            Result { () throws(SpawnedProcess.Failure) in
                try SpawnedProcess(path, arguments: argv, environment: environment)
            }
        }.get()
        let group = ProcessGroup(id: child.pid)
        await leader.set(group)
        let identity = ProcessIdentity.of(child.pid, remoteGroupFile: remoteGroupFile)
        // Refused (the journal failed): stdin closes without the gate line, and the gate
        // exits 125 without running anything.
        let open = await sink.processStarted(identity)
        let reaped = ReapFlag()
        let grace = gracePeriod.duration
        let input = open ? Self.gateLine + (stdin ?? []) : []
        let pipes = OpenPipes([child.stdin, child.stdout, child.stderr])
        return await withTaskCancellationHandler {
            // The command may exit without reading its input: that is its business.
            async let fed: Void = Self.feed(input, to: child.stdin, pipes: pipes, reactor: reactor)
            async let out: Void = Self.forward(child.stdout, to: sink, as: .stdout, pipes: pipes, reactor: reactor)
            async let err: Void = Self.forward(child.stderr, to: sink, as: .stderr, pipes: pipes, reactor: reactor)
            let status = await child.exitStatus(reactor: reactor)
            reaped.set()
            // Stopped: a member of the group that outlived its leader may hold the pipes open;
            // `run` ends it after a grace period (`ProcessGroup.drain`), so stop waiting here.
            if Task.isCancelled { pipes.release(reactor) }
            _ = await (fed, out, err)
            return status
        } onCancel: {
            Task(executorPreference: IOReactor.preference) {
                await Self.tearDown(group, reaped: reaped, grace: grace)
                if reaped.isSet { pipes.release(reactor) }
            }
        }
    }

    /// SIGTERM to the process group; SIGKILL to it if its leader has not exited after `grace`.
    /// (`run` then gives any member still running another grace period: `ProcessGroup.drain`.)
    private static func tearDown(_ group: ProcessGroup, reaped: ReapFlag, grace: Duration) async {
        guard !reaped.isSet else { return }
        group.send(SIGTERM)
        await group.killAfter(grace, unless: { reaped.isSet })
    }

    /// Writes `bytes` to the child's stdin as it takes them, then closes it. A child that exits
    /// without reading (EPIPE) ends the writing quietly.
    private static func feed(_ bytes: [UInt8], to fd: Int32, pipes: OpenPipes, reactor: IOReactor) async {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                raw.baseAddress.map { write(fd, $0 + offset, raw.count - offset) } ?? 0
            }
            if written > 0 {
                offset += written
                continue
            }
            let code = errno
            if written < 0, code == EINTR { continue }
            guard written < 0, code == EAGAIN, await reactor.wait(for: fd, writable: true) else { break }
        }
        pipes.close(fd, reactor: reactor)
    }

    /// Hands each chunk to the sink as it arrives; awaiting the sink is the back-pressure that
    /// keeps memory bounded whatever the command prints. Reads until end of file.
    private static func forward(_ fd: Int32, to sink: any OutputSink, as kind: OutputStream,
                                pipes: OpenPipes, reactor: IOReactor) async {
        // Not zeroed: only the bytes `read` wrote are ever handed on.
        var buffer = [UInt8](unsafeUninitializedCapacity: 64 * 1024) { _, count in count = 64 * 1024 }
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                await sink.write(Array(buffer[0..<count]), to: kind)
                continue
            }
            let code = errno
            if count < 0, code == EINTR { continue }
            if count < 0, code == EAGAIN, await reactor.wait(for: fd) { continue }
            break
        }
        pipes.close(fd, reactor: reactor)
    }
}

/// runbook's ends of a child's pipes that are still open: `release` gives up on them (a stop
/// whose leader is gone), `close` closes one. Both under one lock, so `release` never touches
/// a descriptor number that was closed and may already belong to another child.
private final class OpenPipes: Sendable {
    private let open: Mutex<Set<Int32>>

    init(_ fds: [Int32]) { open = Mutex(Set(fds)) }

    func release(_ reactor: IOReactor) {
        open.withLock { open in
            for fd in open { reactor.cancel(fd) }
        }
    }

    func close(_ fd: Int32, reactor: IOReactor) {
        open.withLock { open in
            open.remove(fd)
            reactor.forget(fd)
            _ = Glibc.close(fd)
        }
    }
}

/// Set once the child has been reaped: a stop no longer signals its group's leader.
private final class ReapFlag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .acquiring) }
    func set() { value.store(true, ordering: .releasing) }
}

/// The process group of the running child, known once it has started.
private actor GroupLeader {
    private(set) var group: ProcessGroup?
    func set(_ group: ProcessGroup) { self.group = group }
}

/// Writing to a pipe whose reader has exited must fail with EPIPE, not kill runbook with
/// SIGPIPE. Children get default signal dispositions back when they are spawned.
private let ignoreBrokenPipes: Void = {
    _ = signal(SIGPIPE, SIG_IGN)
}()
