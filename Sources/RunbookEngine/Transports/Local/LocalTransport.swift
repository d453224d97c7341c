import RunbookCore

/// Runs commands and changes files on the machine running `runbook`.
///
/// Commands run as `/bin/sh -c COMMAND` in their own session and process group, inheriting
/// runbook's environment plus the request's; a timeout or interruption ends the whole tree.
public struct LocalTransport: Transport {
    /// The host steps name when they run here; `.local` unless the inventory says otherwise.
    public let host: InventoryHost

    /// A transport for this machine, reported as `host`.
    public init(host: InventoryHost = .local) {
        self.host = host
    }

    /// Commands start gated (`ChildProcess`): the sink's `processStarted` opens the gate.
    public var gatesCommands: Bool { true }

    /// Runs the command with `/bin/sh -c`; see `Transport.run`.
    /// - Throws: `TransportError(.launchFailed)` when `/bin/sh` cannot be started.
    public func run(_ request: CommandRequest, sink: any OutputSink) async throws -> CommandResult {
        let child = ChildProcess(
            executable: "/bin/sh", arguments: ["-c", request.command],
            environment: request.environment, stdin: request.stdin,
            timeout: request.timeout, gracePeriod: request.gracePeriod)
        let outcome = try await child.run(host: host.name, sink: sink)
        return CommandResult(status: outcome.status, duration: outcome.duration)
    }

    /// The file's bytes, or nil when it does not exist.
    /// - Throws: `TransportError(.fileError)` naming the path and the system's reason.
    public func readFile(_ path: String) async throws -> [UInt8]? {
        try files.read(path)
    }

    /// Writes through a temporary file in the same directory, fsync and rename, so readers
    /// see the old or the new contents, never a mix. An existing file keeps its mode (and its
    /// owner, when runbook runs as root).
    /// - Throws: `TransportError(.fileError)` naming the path and the system's reason.
    public func writeFile(_ path: String, contents: [UInt8], mode: UInt16?) async throws {
        try files.write(path, contents: contents, mode: mode)
    }

    /// Renames `from` to `to`; the destination's directory must already exist.
    /// - Throws: `TransportError(.fileError)` naming both paths and the system's reason.
    public func moveFile(from: String, to: String) async throws {
        try files.move(from: from, to: to)
    }

    /// Removes the file; a file that is already gone is not an error.
    /// - Throws: `TransportError(.fileError)` naming the path and the system's reason.
    public func removeFile(_ path: String) async throws {
        try files.remove(path)
    }

    private var files: LocalFileSystem { LocalFileSystem(host: host.name) }
}
