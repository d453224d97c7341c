import RunbookYAML

/// Compares the runbook file on disk with the copy pinned in a run directory: resume refuses
/// a changed runbook unless `--use-current`.
public struct PinnedRunbookChange: Sendable, Hashable {
    /// The pinned copy, relative to the run directory.
    public var pinnedFile: String
    /// The first line (1-based) where the two differ.
    public var firstDifferentLine: Int
    /// That line in the pinned copy and on disk (nil past the end of the file).
    public var pinnedLine: String?
    /// That line in the current file (nil past its end).
    public var currentLine: String?

    /// The difference as a diagnostic at the changed line of the current file.
    public func diagnostic(currentFile: String) -> Diagnostic {
        var d = Diagnostic.error(
            "the runbook changed since the run started (first difference at line \(firstDifferentLine))",
            at: SourceLocation(file: currentFile, line: firstDifferentLine, column: 1),
            hint: "resume with --use-current to continue with the file as it is now, or restore the pinned copy \(pinnedFile)")
        d.notes = [
            .init("was: \(pinnedLine ?? "(end of file)")"),
            .init("now: \(currentLine ?? "(end of file)")"),
        ]
        return d
    }
}

extension RunDirectory {
    /// How the current runbook text differs from the pinned one, or nil when they are identical.
    /// - Throws: `JournalError` when run.json or the pinned copy cannot be read.
    public func pinnedRunbookChange(current: [UInt8]) throws -> PinnedRunbookChange? {
        let pinnedFile = try metadata().pinnedFile
        guard let pinned = try PrivateFiles.read("\(path)/\(pinnedFile)") else {
            throw JournalError.io(path: "\(path)/\(pinnedFile)", operation: "read", code: 2)
        }
        guard pinned != current else { return nil }
        let old = pinned.split(separator: 0x0A, omittingEmptySubsequences: false)
        let new = current.split(separator: 0x0A, omittingEmptySubsequences: false)
        var index = 0
        while index < old.count, index < new.count, old[index] == new[index] { index += 1 }
        func line(_ lines: [ArraySlice<UInt8>]) -> String? {
            index < lines.count ? String(decoding: lines[index], as: UTF8.self) : nil
        }
        return PinnedRunbookChange(pinnedFile: pinnedFile, firstDifferentLine: index + 1,
                                   pinnedLine: line(old), currentLine: line(new))
    }
}
