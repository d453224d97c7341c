import RunbookCore

/// Keeps every attempt's output (e.g. as files in the run directory) and the file snapshots
/// taken before file actions change anything.
public protocol OutputStore: Sendable {
    /// A sink for one attempt of one step instance; `label` names the command (`run`, `verify`, `rollback` …).
    /// - Throws: when the output cannot be stored; the engine then does not run the command.
    func makeSink(step: String, attempt: Int, label: String) async throws -> any AttemptOutput

    /// Saves a file's previous contents before a file action changes it.
    /// - Returns: the snapshot's name relative to the run directory (journaled in `fileSnapshot`).
    func saveSnapshot(_ contents: [UInt8], step: String, path: String) async throws -> String

    /// The contents of a snapshot saved by `saveSnapshot`, for rollback.
    func loadSnapshot(_ name: String) async throws -> [UInt8]
}

/// The sink of one attempt; `finish` closes it.
public protocol AttemptOutput: OutputSink {
    /// Flushes and closes; returns the digests and the bounded text `expect` and `capture` look at.
    func finish() async throws -> CapturedOutput
}

/// What the engine keeps of an attempt's output in memory: digests and the first bytes.
public struct CapturedOutput: Sendable, Hashable {
    public var stdout: OutputDigest?
    public var stderr: OutputDigest?
    /// The first `limit` bytes of each stream as text (`expect`/`capture` see only these).
    public var stdoutText: String
    public var stderrText: String
    /// True when a stream was longer than what is kept in memory.
    public var truncated: Bool

    public init(stdout: OutputDigest? = nil, stderr: OutputDigest? = nil, stdoutText: String = "",
                stderrText: String = "", truncated: Bool = false) {
        self.stdout = stdout
        self.stderr = stderr
        self.stdoutText = stdoutText
        self.stderrText = stderrText
        self.truncated = truncated
    }
}
