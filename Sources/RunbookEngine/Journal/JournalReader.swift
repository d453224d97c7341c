import RunbookYAML

/// Reads `journal.jsonl` into records.
///
/// The writer appends each line with one `write(2)`, so only the last line can be torn by a
/// crash: a last line without its newline, or one that is not valid JSON, is ignored and
/// reported as a note. Any other unreadable line means the file was changed and is an error
/// naming the line.
public struct JournalReader: Sendable {
    /// The records of a journal, and notes about what was ignored.
    public struct Contents: Sendable {
        /// The decoded records, in file order.
        public var records: [JournalRecord]
        /// A torn last line, when there was one.
        public var notes: [Diagnostic]
    }

    /// The file name used in messages (the path as the user gave it).
    public var displayName: String

    /// Reads the journal at `path`.
    public init(displayName: String) { self.displayName = displayName }

    /// Reads and decodes every line of the journal at `path`.
    /// - Throws: `JournalError.malformedLine` naming the first broken line that is not the last,
    ///   `JournalError.io` when the file cannot be read.
    public static func read(_ path: String, displayName: String? = nil) throws -> Contents {
        guard let bytes = try PrivateFiles.read(path) else {
            throw JournalError.io(path: path, operation: "read", code: 2)
        }
        return try JournalReader(displayName: displayName ?? path).decode(bytes)
    }

    /// Decodes journal bytes.
    /// - Throws: `JournalError.malformedLine` for a broken line other than the last.
    public func decode(_ bytes: [UInt8]) throws -> Contents {
        var records: [JournalRecord] = []
        let notes = try forEachRecord(in: bytes) { records.append($0) }
        return Contents(records: records, notes: notes)
    }

    /// Decodes journal bytes one record at a time, without keeping them (replay of a long
    /// journal then needs memory for the state only).
    /// - Returns: notes about a torn last line.
    /// - Throws: `JournalError.malformedLine` for a broken line other than the last.
    public func forEachRecord(in bytes: [UInt8], _ body: (JournalRecord) throws -> Void) throws -> [Diagnostic] {
        let lines = JournalLines(bytes)
        let decoder = JournalLineDecoder()
        for index in 0..<lines.count {
            if index == lines.count - 1, let note = tornLineNote(lines, decoder: decoder) {
                return [note]
            }
            switch decoder.decode(lines[index]) {
            case .success(let record): try body(record)
            case .failure(let problem):
                throw JournalError.malformedLine(file: displayName, line: index + 1, reason: problem.reason)
            }
        }
        return []
    }

    /// Replays the journal at `path` without keeping its records.
    /// - Returns: the state, the number of records, and notes about a torn last line.
    /// - Throws: like `read`.
    public static func replay(_ path: String, displayName: String? = nil) throws
        -> (state: RunState, records: Int, notes: [Diagnostic]) {
        guard let bytes = try PrivateFiles.read(path) else {
            throw JournalError.io(path: path, operation: "read", code: 2)
        }
        var state = RunState()
        var count = 0
        let notes = try JournalReader(displayName: displayName ?? path).forEachRecord(in: bytes) {
            state.apply($0.event)
            count += 1
        }
        state.finishReplay()
        return (state, count, notes)
    }

    /// A note when the last line is torn (no newline, or not a journal record), else nil.
    func tornLineNote(_ lines: JournalLines, decoder: JournalLineDecoder) -> Diagnostic? {
        let index = lines.count - 1
        let location = SourceLocation(file: displayName, line: index + 1, column: 1)
        let size = lines.ranges[index].count
        if lines.lastLineUnterminated {
            return Diagnostic(.note, "torn last line ignored (\(size) bytes without a newline): the writer stopped mid-line",
                              at: location)
        }
        if case .failure(let problem) = decoder.decode(lines[index]) {
            return Diagnostic(.note, "torn last line ignored (\(problem.reason)): the writer stopped mid-line",
                              at: location)
        }
        return nil
    }
}
