import RunbookYAML

/// How the engine reaches a host: run a command, read and change files.
///
/// `local`, `ssh` and `sim` implement it; the engine only ever talks to this protocol, and
/// tests swap in fakes.
public protocol Transport: Sendable {
    /// The host this transport reaches.
    var host: InventoryHost { get }

    /// Runs `request.command` with `/bin/sh -c` on the host, streaming output to `sink`.
    /// A timeout ends the whole process tree (SIGTERM, then SIGKILL after a grace period) and is
    /// reported as `.timedOut`, never thrown. A non-zero exit is a result, not an error.
    /// - Throws: `TransportError` when the command could not be started or the host could not be reached.
    func run(_ request: CommandRequest, sink: any OutputSink) async throws -> CommandResult

    /// The file's bytes, or nil when it does not exist.
    /// - Throws: `TransportError` for any other failure.
    func readFile(_ path: String) async throws -> [UInt8]?

    /// Writes the file atomically (temporary file + rename), creating it with `mode` when new;
    /// an existing file keeps its mode.
    func writeFile(_ path: String, contents: [UInt8], mode: UInt16?) async throws

    /// Renames a file on the host.
    func moveFile(from: String, to: String) async throws

    /// Removes a file; no error when it is already gone.
    func removeFile(_ path: String) async throws

    /// Creates a directory and its missing parents (new ones mode 0700); no error when it exists.
    func makeDirectory(_ path: String) async throws

    /// The size of a regular file, without reading it (what `fetch` checks against its limit).
    /// - Throws: `TransportError(.fileError)` when it is missing or not a regular file.
    func fileSize(_ path: String) async throws -> Int

    /// True when `run` starts the command's process gated: it calls the sink's
    /// `processStarted` before the command runs anything, and runs nothing when that returns
    /// false. The engine then lets the step's start become durable while the process is being
    /// spawned (issue 15); for any other transport it waits before calling `run`.
    var gatesCommands: Bool { get }
}

extension Transport {
    /// Not gated unless the transport says so: the engine waits before `run`.
    public var gatesCommands: Bool { false }
}

extension Transport {
    /// `umask 077 && mkdir -p -- PATH` through `run`; a transport with direct file access overrides it.
    public func makeDirectory(_ path: String) async throws {
        let sink = StderrTail()
        let result = try await run(CommandRequest(command: "umask 077 && mkdir -p -- \(ShellQuote.quoted(path))"), sink: sink)
        guard result.status.succeeded else {
            throw TransportError(.fileError, host: host.name, "cannot create '\(path)': \(await sink.last ?? result.status.description)")
        }
    }
}

extension Transport {
    /// `stat` through `run`; a transport with direct file access overrides it.
    public func fileSize(_ path: String) async throws -> Int {
        let p = ShellQuote.quoted(path)
        let script = """
            [ -e \(p) ] || { echo "No such file or directory" >&2; exit 1; }
            [ -f \(p) ] || { echo "not a regular file" >&2; exit 1; }
            exec stat -L -c %s -- \(p)
            """
        let sink = StderrTail()
        let result = try await run(CommandRequest(command: script), sink: sink)
        guard result.status.succeeded, let size = Int(await sink.stdoutText) else {
            throw TransportError(.fileError, host: host.name, "\(await sink.last ?? result.status.description)")
        }
        return size
    }
}

/// Keeps the last line of stderr (for `makeDirectory`'s error).
private actor StderrTail: OutputSink {
    private var stderr: [UInt8] = []
    private var stdout: [UInt8] = []
    var last: String? { String(decoding: stderr, as: UTF8.self).split(whereSeparator: \.isNewline).last.map(String.init) }
    /// The (short) stdout, trimmed: `fileSize`'s number.
    var stdoutText: String { String(decoding: stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }
    func write(_ bytes: [UInt8], to stream: OutputStream) async {
        if stream == .stderr { stderr = Array((stderr + bytes).suffix(4096)) }
        if stream == .stdout { stdout = Array((stdout + bytes).prefix(64)) }
    }
}

/// A command to run on a host.
public struct CommandRequest: Sendable, Hashable {
    /// Shell text, already rendered with every value quoted.
    public var command: String
    public var environment: [String: String]
    public var stdin: [UInt8]?
    public var timeout: TimeSpan?
    /// How long SIGTERM has before SIGKILL when the timeout fires or the run is interrupted.
    public var gracePeriod: TimeSpan

    public init(command: String, environment: [String: String] = [:], stdin: [UInt8]? = nil,
                timeout: TimeSpan? = nil, gracePeriod: TimeSpan = .seconds(5)) {
        self.command = command
        self.environment = environment
        self.stdin = stdin
        self.timeout = timeout
        self.gracePeriod = gracePeriod
    }
}

/// How a command ended.
public enum ExitStatus: Sendable, Hashable, Codable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)
    /// The timeout fired and the process tree was ended.
    case timedOut
    /// The run was interrupted (SIGINT/SIGTERM to `runbook`) and the process tree was ended.
    case interrupted

    public var succeeded: Bool { self == .exited(0) }

    public var description: String {
        switch self {
        case .exited(let c): "exit \(c)"
        case .signaled(let s): "killed by signal \(s)"
        case .timedOut: "timed out"
        case .interrupted: "interrupted"
        }
    }
}

/// The result of one command; output itself went to the sink.
public struct CommandResult: Sendable, Hashable {
    public var status: ExitStatus
    public var duration: TimeSpan
    public init(status: ExitStatus, duration: TimeSpan) {
        self.status = status
        self.duration = duration
    }
}

/// Which stream a chunk of output came from.
public enum OutputStream: String, Sendable, Hashable, Codable { case stdout, stderr }

/// Receives a command's output as it arrives. Implementations must keep memory bounded.
public protocol OutputSink: Sendable {
    func write(_ bytes: [UInt8], to stream: OutputStream) async

    /// The command's local process exists and waits: it runs nothing until this returns, so
    /// what is recorded here (the journal's `attemptProcess`) is written before it starts.
    /// `identity` is nil when the process could not be identified (its `/proc` entry unreadable).
    /// - Returns: false to refuse: the process then exits without running the command (the
    ///   journal could not record it, or could not make the step's start durable).
    func processStarted(_ identity: ProcessIdentity?) async -> Bool
}

extension OutputSink {
    /// Most sinks only want output.
    public func processStarted(_ identity: ProcessIdentity?) async -> Bool { true }
}

/// A failure to reach a host or use it, as opposed to a command that ran and failed.
public struct TransportError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, Codable {
        case unreachable, authentication, hostKeyMismatch, connectionLost, launchFailed, fileError
    }
    public var kind: Kind
    public var host: String
    public var message: String
    public init(_ kind: Kind, host: String, _ message: String) {
        self.kind = kind
        self.host = host
        self.message = message
    }
    public var description: String { "\(host): \(message)" }
}
