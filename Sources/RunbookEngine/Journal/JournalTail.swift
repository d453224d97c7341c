import Crypto
import RunbookYAML

/// Where an existing journal ends: what the next line continues from.
struct JournalTail {
    var sequence: Int
    var hash: String
    /// The length to cut the file to when its last line is torn.
    var truncateTo: Int?
    var notes: [Diagnostic]

    /// Reads the journal at `path` (absent or empty: a fresh chain).
    /// - Throws: `JournalError.malformedLine` when a line other than the last is broken.
    static func read(_ path: String) throws -> JournalTail {
        guard let bytes = try PrivateFiles.read(path), !bytes.isEmpty else {
            return JournalTail(sequence: 0, hash: JournalRecord.genesisHash, truncateTo: nil, notes: [])
        }
        let contents = try JournalReader(displayName: path).decode(bytes)
        let lines = JournalLines(bytes)
        let kept = contents.records.count
        let cut = kept < lines.count ? lines.ranges[kept].lowerBound : nil
        guard let last = contents.records.last else {
            return JournalTail(sequence: 0, hash: JournalRecord.genesisHash, truncateTo: cut, notes: contents.notes)
        }
        let hash = SHA256.hash(data: Array(lines[kept - 1])).hexString
        return JournalTail(sequence: last.sequence, hash: hash, truncateTo: cut, notes: contents.notes)
    }
}
