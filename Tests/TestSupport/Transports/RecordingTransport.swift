import RunbookCore
import RunbookEngine

/// What a `RecordingTransport` was asked to do, in the order it was asked (across hosts).
public final class CommandLog: @unchecked Sendable {
    // `lock` guards `stored`.
    /// One command a transport was given: the host and the exact text `/bin/sh -c` gets.
    public struct Entry: Sendable, Hashable, CustomStringConvertible {
        public var host: String
        public var command: String
        public var description: String { "\(host): \(command)" }
        public init(host: String, command: String) {
            self.host = host
            self.command = command
        }
    }

    private let lock = NSLockLike()
    private var stored: [Entry] = []

    public init() {}

    public var entries: [Entry] { lock.locked { stored } }

    func append(_ entry: Entry) { lock.locked { stored.append(entry) } }
}

/// Records every command (host, text) the engine gives it. With a `base` it then runs it there
/// (e.g. a simulated host); without one it runs nothing and answers exit 0 with the command text
/// itself as stdout, so captures (`regex: 'val=(\S+)'`) can pick values out of the command.
public struct RecordingTransport: Transport {
    public let host: InventoryHost
    let base: (any Transport)?
    let log: CommandLog

    public init(host: InventoryHost, base: (any Transport)?, log: CommandLog) {
        self.host = host
        self.base = base
        self.log = log
    }

    public func run(_ request: CommandRequest, sink: any OutputSink) async throws -> CommandResult {
        log.append(.init(host: host.name, command: request.command))
        if let base { return try await base.run(request, sink: sink) }
        await sink.write(Array((request.command + "\n").utf8), to: .stdout)
        return CommandResult(status: .exited(0), duration: TimeSpan(milliseconds: 0))
    }

    public func readFile(_ path: String) async throws -> [UInt8]? { try await base?.readFile(path) }

    public func writeFile(_ path: String, contents: [UInt8], mode: UInt16?) async throws {
        try await base?.writeFile(path, contents: contents, mode: mode)
    }

    public func moveFile(from: String, to: String) async throws { try await base?.moveFile(from: from, to: to) }

    public func removeFile(_ path: String) async throws { try await base?.removeFile(path) }

    /// Forwarded, so a base with direct file access (the simulator's controller) makes it for real.
    public func makeDirectory(_ path: String) async throws { try await base?.makeDirectory(path) }

    public func fileSize(_ path: String) async throws -> Int {
        guard let base else { throw TransportError(.fileError, host: host.name, "no file behind a recording transport") }
        return try await base.fileSize(path)
    }
}

/// Gives the engine a `RecordingTransport` for every host, over `base`'s transport when given.
public struct RecordingTransports: TransportProvider {
    public let log: CommandLog
    let base: (any TransportProvider)?

    public init(log: CommandLog = CommandLog(), base: (any TransportProvider)? = nil) {
        self.log = log
        self.base = base
    }

    public func transport(for host: InventoryHost) throws -> any Transport {
        RecordingTransport(host: host, base: try base?.transport(for: host), log: log)
    }
}

/// Keeps every attempt's output in memory (nothing on disk): for fast in-process engine runs.
public struct MemoryOutputStore: OutputStore {
    public init() {}

    public func makeSink(step: String, attempt: Int, label: String) async throws -> any AttemptOutput { MemoryAttempt() }

    public func saveSnapshot(_ contents: [UInt8], step: String, path: String) async throws -> String { "snapshots/\(step)" }

    public func loadSnapshot(_ name: String) async throws -> [UInt8] { [] }
}

actor MemoryAttempt: AttemptOutput {
    private var stdout: [UInt8] = []
    private var stderr: [UInt8] = []

    func write(_ bytes: [UInt8], to stream: OutputStream) async {
        if stream == .stdout { stdout += bytes } else { stderr += bytes }
    }

    func finish() async throws -> CapturedOutput {
        CapturedOutput(stdoutText: String(decoding: stdout, as: UTF8.self), stderrText: String(decoding: stderr, as: UTF8.self))
    }
}
