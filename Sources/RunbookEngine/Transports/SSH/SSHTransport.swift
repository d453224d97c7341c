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
                                      token: token)
        let scanner = RemoteOutputScanner(forwardingTo: sink)
        let child = try ChildProcess(
            executable: sshExecutable, arguments: arguments(remote: remote), environment: [:],
            stdin: request.stdin, timeout: request.timeout, gracePeriod: request.gracePeriod)
        let outcome = try await child.run(host: host.name, sink: scanner) { _ in
            // Stop the remote command first: ending the local ssh alone would leave it running.
            // Even before the wrapper reported its group: it may be starting right now.
            await killRemoteCommand(token: token, knownGroup: await scanner.remoteGroup, grace: request.gracePeriod)
        }
        await scanner.finish(status: outcome.status)
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
        args += target.extraOptions + extra
        return args + ["--", target.address, remote]
    }

    /// Sends SIGTERM to the remote group, SIGKILL after `grace`, over a connection of its own.
    private func killRemoteCommand(token: String, knownGroup: Int32?, grace: TimeSpan) async {
        let script = RemoteShell.killGroup(token: token, knownGroup: knownGroup, grace: grace, become: target.become)
        guard let args = try? arguments(remote: script) else { return }
        let killer = ChildProcess(executable: sshExecutable, arguments: args, environment: [:], stdin: nil,
                                  timeout: TimeSpan(milliseconds: grace.milliseconds + 15_000),
                                  gracePeriod: TimeSpan(milliseconds: 500))
        _ = try? await killer.run(host: host.name, sink: DiscardingSink())
    }
}

/// Drops output nobody will read.
struct DiscardingSink: OutputSink {
    func write(_ bytes: [UInt8], to stream: OutputStream) async {}
}
