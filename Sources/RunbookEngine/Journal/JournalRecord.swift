/// One line of `journal.jsonl`: an engine event stamped with its place in the run's hash chain.
public struct JournalRecord: Sendable, Hashable {
    /// The journal format version this build writes and reads.
    public static let formatVersion = 1
    /// The `prev` of the first line: there is no previous line.
    public static let genesisHash = String(repeating: "0", count: 64)

    /// Format version (`v`).
    public var version: Int
    /// 1-based, one more than the previous line's (`seq`).
    public var sequence: Int
    /// RFC 3339 UTC with milliseconds, e.g. `2026-11-27T20:52:16.123Z` (`ts`).
    public var timestamp: String
    /// The run id (`run`); the same on every line of a journal.
    public var run: String
    /// Who ran it, `user@host` or `--operator` (`operator`).
    public var operatorName: String
    /// What happened (`event` and the event's own fields).
    public var event: RunEvent
    /// SHA-256 (lowercase hex) of the previous line's bytes without its newline (`prev`).
    public var previousHash: String

    /// Makes a record; the writer fills in sequence, time and chain.
    public init(version: Int = JournalRecord.formatVersion, sequence: Int, timestamp: String, run: String,
                operatorName: String, event: RunEvent, previousHash: String) {
        self.version = version
        self.sequence = sequence
        self.timestamp = timestamp
        self.run = run
        self.operatorName = operatorName
        self.event = event
        self.previousHash = previousHash
    }
}
