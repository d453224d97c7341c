import Crypto
import RunbookYAML

/// Checks that a journal is the one the writer wrote: format version, unbroken sequence
/// numbers, one run id, and every line's `prev` equal to the SHA-256 of the line before.
///
/// An edited line breaks the next line's `prev`; a deleted, inserted or moved line breaks the
/// sequence; a line cut short is not JSON. The first bad line is named. A torn last line is a
/// crash, not tampering: it is reported as a note. Editing or removing the *last* lines leaves
/// no trace in the file itself: compare `lastHash` with the `--audit-log` mirror for that.
public struct AuditVerifier: Sendable {
    /// The outcome of a verification.
    public struct Report: Sendable, Hashable {
        /// Lines that passed, before the first problem.
        public var verifiedLines: Int
        /// The first problem, or nil when the chain is intact.
        public var problem: Diagnostic?
        /// A torn last line, when there is one.
        public var notes: [Diagnostic]
        /// SHA-256 of the last verified line: the chain's head, to compare with an external copy.
        public var lastHash: String
        /// True when no problem was found.
        public var isIntact: Bool { problem == nil }
    }

    /// The file name used in messages.
    public var displayName: String

    /// A verifier naming lines as `<displayName>:N`.
    public init(displayName: String) { self.displayName = displayName }

    /// Verifies the journal file at `path`.
    /// - Throws: `JournalError.io` when the file cannot be read (a broken chain is a report, not an error).
    public static func verify(_ path: String, displayName: String? = nil) throws -> Report {
        guard let bytes = try PrivateFiles.read(path) else {
            throw JournalError.io(path: path, operation: "read", code: 2)
        }
        return AuditVerifier(displayName: displayName ?? path).verify(bytes)
    }

    /// Verifies journal bytes.
    public func verify(_ bytes: [UInt8]) -> Report {
        let lines = JournalLines(bytes)
        let decoder = JournalLineDecoder()
        var count = lines.count
        var notes: [Diagnostic] = []
        if count > 0, let note = JournalReader(displayName: displayName).tornLineNote(lines, decoder: decoder) {
            notes.append(note)
            count -= 1
        }
        var previousHash = JournalRecord.genesisHash
        var previousSequence = 0
        var run: String?
        for index in 0..<count {
            let n = index + 1
            let line = lines[index]
            func failure(_ message: String, hint: String? = nil) -> Report {
                let location = SourceLocation(file: displayName, line: n, column: 1)
                return Report(verifiedLines: index, problem: .error(message, at: location, hint: hint),
                              notes: notes, lastHash: previousHash)
            }
            let record: JournalRecord
            switch decoder.decode(line) {
            case .success(let r): record = r
            case .failure(let problem): return failure("line \(n) is not a journal record: \(problem.reason)",
                                                       hint: "a line was cut short or edited by hand")
            }
            if record.version != JournalRecord.formatVersion {
                return failure("line \(n) has format version \(record.version), expected \(JournalRecord.formatVersion)")
            }
            if let run, record.run != run {
                return failure("line \(n) belongs to run '\(record.run)', but line 1 to '\(run)'",
                               hint: "a line from another run's journal was inserted")
            }
            run = run ?? record.run
            if record.sequence != previousSequence + 1 {
                let what = index == 0 ? "the first line has sequence number \(record.sequence), expected 1"
                    : "line \(n) has sequence number \(record.sequence) after \(previousSequence)"
                return failure("sequence broken: \(what)", hint: "a line was deleted, inserted or moved")
            }
            if record.previousHash != previousHash {
                let what = index == 0 ? "the first line records prev=\(record.previousHash), expected 64 zeros"
                    : "line \(n) records prev=\(record.previousHash), but line \(n - 1) hashes to \(previousHash)"
                return failure("hash chain broken: \(what)",
                               hint: index == 0 ? nil : "line \(n - 1) was changed after it was written")
            }
            previousHash = SHA256.hash(data: Array(line)).hexString
            previousSequence = record.sequence
        }
        return Report(verifiedLines: count, problem: nil, notes: notes, lastHash: previousHash)
    }
}
