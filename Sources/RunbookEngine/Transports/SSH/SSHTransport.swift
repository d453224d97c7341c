import RunbookCore

/// Runs commands and changes files on a remote host through the system's OpenSSH client.
///
/// `ssh` runs in batch mode with the user's own config and agent; the inventory supplies
/// address, port, user and key. Connections are multiplexed through a private control
/// directory, so only the first command to a host pays for the handshake. Each remote command
/// runs in its own process group, which a timeout or interruption ends on the remote side
/// (SIGTERM, then SIGKILL after the grace period) before the local `ssh` is stopped.
public struct SSHTransport: Transport {
    /// The inventory host this transport reaches.
    public let host: InventoryHost
    /// Share one connection per host between commands (ControlMaster/ControlPersist).
    public var multiplexing: Bool
    /// Where the control sockets live; a directory only this user can enter.
    public var controlDirectory: String
    /// The ssh client: a path, or a name looked up in `PATH`.
    public var sshExecutable: String

    /// A transport for `host`. `controlDirectory` defaults to `$TMPDIR/runbook-ssh-<uid>`.
    public init(host: InventoryHost, multiplexing: Bool = true, controlDirectory: String? = nil,
                sshExecutable: String = "ssh") {
        self.host = host
        self.multiplexing = multiplexing
        self.controlDirectory = controlDirectory ?? ControlDirectory.defaultPath
        self.sshExecutable = sshExecutable
    }

    var target: SSHTarget { SSHTarget(host) }

    /// Commands start gated: the remote wrapper waits for the gate line, which `ChildProcess`
    /// sends only once the sink's `processStarted` agreed.
    public var gatesCommands: Bool { true }

    /// Runs the command on the host with `/bin/sh -c`; see `Transport.run`.
    /// - Throws: `TransportError` `.unreachable`, `.authentication`, `.hostKeyMismatch` when the
    ///   command could not start, `.connectionLost` when the connection dropped while it ran
    ///   (it may or may not have completed), `.launchFailed` when `ssh` itself cannot run.
    public func run(_ request: CommandRequest, sink: any OutputSink) async throws -> CommandResult {
        if let bad = request.environment.keys.sorted().first(where: { !RemoteShell.isVariableName($0) }) {
            throw TransportError(.launchFailed, host: host.name,
                                 "cannot pass environment variable '\(bad)' over ssh: not a valid shell variable name")
        }
        let token = RemoteShell.newToken()
        let remote = RemoteShell.wrap(request.command, environment: request.environment, become: target.become,
                                      token: token, gated: true)
        let scanner = RemoteOutputScanner(forwardingTo: sink)
        let child = try ChildProcess(
            executable: sshExecutable, arguments: arguments(remote: remote), environment: [:],
            stdin: request.stdin, timeout: request.timeout, gracePeriod: request.gracePeriod,
            remoteGroupFile: RemoteShell.groupFile(token: token), gatesItself: true)
        let outcome = try await child.run(host: host.name, sink: scanner) { _ in
            // Stop the remote command first: ending the local ssh alone would leave it running.
            // Even before the wrapper reported its group: it may be starting right now.
            await killRemoteCommand(token: token, knownGroup: await scanner.remoteGroup, grace: request.gracePeriod)
        }
        await scanner.finish(status: outcome.status)
        if outcome.status == .timedOut || outcome.status == .interrupted, await scanner.remoteGroup == nil {
            // Said in the step's stderr: the reason a timeout shows, and what resume must know.
            let what = outcome.status == .timedOut
                ? "timed out after \(request.timeout.map(\.description) ?? "its timeout")" : "interrupted"
            await sink.write(Array("runbook: \(what) while still connecting to \(target.display); the command had not reported starting\n".utf8),
                             to: .stderr)
        }
        if outcome.status == .exited(255),
           let failure = await SSHFailure.classify(
               stderr: scanner.stderrText, commandStarted: scanner.remoteGroup != nil,
               commandExited255: scanner.commandExited255, outputStarted: scanner.outputStarted,
               target: target) {
            throw failure
        }
        return CommandResult(status: outcome.status, duration: outcome.duration)
    }

    /// The arguments for `ssh` running `remote` (shell text) on the host.
    func arguments(remote: String, extra: [String] = []) throws -> [String] {
        if let problem = target.optionsProblem {
            throw TransportError(.launchFailed, host: host.name, problem)
        }
        var args = ["-T", "-o", "BatchMode=yes"]
        if multiplexing {
            let directory = try ControlDirectory.prepare(controlDirectory, host: host.name)
            args += ["-o", "ControlMaster=auto", "-o", "ControlPath=\(directory)/cm-%C", "-o", "ControlPersist=60"]
        }
        if let port = target.port { args += ["-p", String(port)] }
        if let user = target.user { args += ["-l", user] }
        if let identity = target.identityFile { args += ["-i", identity] }
        args += target.extraOptions + extra + target.liveness
        return args + ["--", target.address, remote]
    }

    /// Ends a remote command that a killed run left running, named by the group file its
    /// `attemptProcess` journal line records: SIGTERM to its group, SIGKILL after `grace`.
    public func stopRemoteCommand(groupFile: String, grace: TimeSpan) async {
        guard let token = RemoteShell.token(ofGroupFile: groupFile) else { return }
        await killRemoteCommand(token: token, knownGroup: nil, grace: grace, started: true)
    }

    /// Sends SIGTERM to the remote group, SIGKILL after `grace`, over a connection of its own.
    ///
    /// While the command has not reported its group, the connection may not exist at all (a
    /// blackholed host): the kill then gets the grace period in all, so a stop takes no longer
    /// than the documented grace. A started command's kill (a reported group, or `started` for
    /// a command a killed run left running) gets the grace plus 15 s to connect.
    private func killRemoteCommand(token: String, knownGroup: Int32?, grace: TimeSpan, started: Bool = false) async {
        let script = RemoteShell.killGroup(token: token, knownGroup: knownGroup, grace: grace, become: target.become)
        let connect = max(1, grace.milliseconds / 1000)
        let bounded = knownGroup == nil && !started
        guard let args = try? arguments(remote: script, extra: bounded ? ["-o", "ConnectTimeout=\(connect)"] : [])
        else { return }
        let limit = bounded ? grace.milliseconds : grace.milliseconds + 15_000
        let killer = ChildProcess(executable: sshExecutable, arguments: args, environment: [:], stdin: nil,
                                  timeout: TimeSpan(milliseconds: limit),
                                  gracePeriod: TimeSpan(milliseconds: 500))
        _ = try? await killer.run(host: host.name, sink: DiscardingSink())
    }
}

/// Drops output nobody will read.
struct DiscardingSink: OutputSink {
    func write(_ bytes: [UInt8], to stream: OutputStream) async {}
}
