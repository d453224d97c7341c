import Crypto
import RunbookYAML

/// Checks a whole run directory against its journal: the hash chain (`AuditVerifier`), that the
/// journal is not empty, the seal (the journal was not cut short after the run last ended),
/// the files the run was set up with (digests journaled on `runStarted`), and every output
/// file whose size and SHA-256 an event recorded.
///
/// Not covered: file snapshots (the journal records no digest for them), and a journal whose
/// tail and seal were both removed or rewritten: compare `lastHash` with a copy kept elsewhere
/// (`--audit-log`) for that.
public struct RunVerifier: Sendable {
    /// What verification found.
    public struct Report: Sendable, Hashable {
        /// The chain check, nil when there was no journal to check.
        public var chain: AuditVerifier.Report?
        /// Every problem found, chain first; empty when the run is intact.
        public var problems: [Diagnostic]
        /// What is worth knowing but not a problem: a torn last line, a run that ended unsealed.
        public var notes: [Diagnostic]
        /// Output files whose size and digest matched.
        public var outputFiles: Int
        /// Setup files (`run.json`, `params.json`, pinned runbooks …) whose digest matched.
        public var setupFiles: Int
        /// Files the journal names whose bytes stayed on the machine that ran the step (past a
        /// team store's cap): not checked here, and not a problem; a note says where they are.
        public var keptElsewhere: [String: KeptElsewhere]
        /// The line the seal names, when there is a seal.
        public var sealedLines: Int?
        /// True when nothing is wrong.
        public var isIntact: Bool { problems.isEmpty }
    }

    /// The run to verify.
    public var directory: RunDirectory

    /// A verifier for one run directory.
    public init(_ directory: RunDirectory) { self.directory = directory }

    /// Verifies the run.
    /// - Throws: `JournalError.io` when a file exists but cannot be read.
    public func verify() throws -> Report {
        let journal = directory.journalPath
        var report = Report(chain: nil, problems: [], notes: [], outputFiles: 0, setupFiles: 0, keptElsewhere: [:],
                            sealedLines: nil)
        guard let bytes = try PrivateFiles.read(journal) else {
            report.problems.append(.error("\(journal) is missing: every run has a journal", at: nil,
                                          hint: "the file was deleted; nothing can tell what this run did"))
            return report
        }
        let chain = AuditVerifier(displayName: journal).verify(bytes)
        report.chain = chain
        report.notes = chain.notes
        if let problem = chain.problem {
            report.problems.append(problem)
            return report
        }
        guard chain.verifiedLines > 0 else {
            report.problems.append(.error("\(journal) is empty: it records nothing, not even the run's start", at: nil,
                                          hint: "the file was emptied, or the process died before its first line; nothing tells what ran"))
            return report
        }
        let records = try JournalReader(displayName: journal).decode(bytes).records
        try checkSeal(bytes, chain: chain, records: records, into: &report)
        let elsewhere = KeptElsewhere.read(directory)
        for (index, record) in records.enumerated() {
            if let files = record.event.files { try checkSetup(files, line: index + 1, elsewhere: elsewhere, into: &report) }
            for digest in [record.event.stdout, record.event.stderr].compactMap({ $0 }) {
                try checkOutput(digest, line: index + 1, elsewhere: elsewhere, into: &report)
            }
        }
        return report
    }

    private func checkSeal(_ bytes: [UInt8], chain: AuditVerifier.Report, records: [JournalRecord],
                           into report: inout Report) throws {
        guard let seal = try RunSeal.read(directory) else {
            // Runs set up with digests are sealed whenever they end; an ended one without a seal
            // was killed between its last line and the seal, or the seal was deleted. A crash is
            // not tampering, so this is a note; it means the tail is not protected.
            let ended = records.last.map { $0.event.kind == .runFinished || $0.event.kind == .runInterrupted } ?? false
            if ended, records.contains(where: { $0.event.files != nil }) {
                report.notes.append(Diagnostic(.note,
                    "not sealed: the journal ends the run on line \(records.count) but there is no \(RunSeal.fileName) (the process was killed right after its last line, or the seal was deleted); lines cut from the end cannot be ruled out",
                    at: SourceLocation(file: directory.journalPath, line: records.count, column: 1)))
            }
            return
        }
        report.sealedLines = seal.lines
        let location = SourceLocation(file: directory.journalPath, line: max(1, chain.verifiedLines), column: 1)
        guard seal.lines <= chain.verifiedLines else {
            report.problems.append(.error(
                "journal cut short: \(RunSeal.fileName) records \(seal.lines) lines when the run last ended, the journal has \(chain.verifiedLines)",
                at: location, hint: "lines were removed from the end of the journal"))
            return
        }
        let lines = JournalLines(bytes)
        let hash = seal.lines == 0 ? JournalRecord.genesisHash : SHA256.hash(data: Array(lines[seal.lines - 1])).hexString
        if hash != seal.sha256 {
            report.problems.append(.error(
                "journal line \(seal.lines) is not the line the run last ended with: \(RunSeal.fileName) records sha256 \(seal.sha256), the line hashes to \(hash)",
                at: SourceLocation(file: directory.journalPath, line: max(1, seal.lines), column: 1),
                hint: "the end of the journal was rewritten"))
        }
    }

    /// A file that is not here: noted when the journal's store recorded where it stayed, else false.
    private func noteKeptElsewhere(_ file: String, line: Int, _ elsewhere: [String: KeptElsewhere],
                                   into report: inout Report) -> Bool {
        guard let kept = elsewhere[file] else { return false }
        report.keptElsewhere[file] = kept
        report.notes.append(Diagnostic(.note,
            "\(file) is not in this copy of the run: it was past the team store's cap, so its bytes stayed on \(kept.machine) at \(kept.path) (its digest is journaled on line \(line))",
            at: SourceLocation(file: directory.journalPath, line: line, column: 1),
            hint: "run `runbook audit verify \(directory.runID)` on \(kept.machine) to check those bytes"))
        return true
    }

    private func checkSetup(_ files: [String: String], line: Int, elsewhere: [String: KeptElsewhere],
                            into report: inout Report) throws {
        for (name, expected) in files.sorted(by: { $0.key < $1.key }) {
            let location = SourceLocation(file: directory.journalPath, line: line, column: 1)
            guard let bytes = try PrivateFiles.read("\(directory.path)/\(name)") else {
                if noteKeptElsewhere(name, line: line, elsewhere, into: &report) { continue }
                report.problems.append(.error("\(name) is missing from the run directory (its digest is journaled on line \(line))",
                                              at: location))
                continue
            }
            let actual = SHA256.hash(data: bytes).hexString
            if actual == expected {
                report.setupFiles += 1
            } else {
                report.problems.append(.error(
                    "\(name) changed since the run started: line \(line) records sha256 \(expected), the file hashes to \(actual)",
                    at: location, hint: "the file was edited after it was written"))
            }
        }
    }

    private func checkOutput(_ digest: OutputDigest, line: Int, elsewhere: [String: KeptElsewhere],
                             into report: inout Report) throws {
        guard let file = digest.file else { return }
        let location = SourceLocation(file: directory.journalPath, line: line, column: 1)
        guard let bytes = try PrivateFiles.read("\(directory.path)/\(file)") else {
            if noteKeptElsewhere(file, line: line, elsewhere, into: &report) { return }
            report.problems.append(.error("\(file) is missing (its digest is journaled on line \(line))", at: location))
            return
        }
        let actual = SHA256.hash(data: bytes).hexString
        if actual == digest.sha256 && bytes.count == digest.bytes {
            report.outputFiles += 1
        } else {
            report.problems.append(.error(
                "\(file) changed since it was written: line \(line) records \(digest.bytes) bytes, sha256 \(digest.sha256); the file has \(bytes.count) bytes, sha256 \(actual)",
                at: location, hint: "the output file was edited, truncated or replaced"))
        }
    }
}
