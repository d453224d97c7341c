import Foundation
import Testing
import TestSupport
@testable import RunbookYAML
@testable import RunbookCore
@testable import RunbookEngine

@Suite("Audit verifier")
struct AuditVerifierTests {
    /// A 8-line journal, its lines, and a function that verifies edited lines.
    private func withJournal(_ body: (_ lines: [String], _ verify: ([String]) throws -> AuditVerifier.Report) throws -> Void) async throws {
        let scratch = try Scratch(prefix: "runbook-journal")
        defer { scratch.remove() }
        let dir: String = scratch.path
        let path = try await JournalFixtures.journal(JournalFixtures.successfulRun, in: dir)
        let lines = try JournalFixtures.lines(path)
        try body(lines) { edited in
            try JournalFixtures.writeLines(edited, to: path)
            return try AuditVerifier.verify(path, displayName: "journal.jsonl")
        }
    }

    @Test("an untouched journal verifies, and lastHash is the last line's hash")
    func intact() async throws {
        try await withJournal { lines, verify in
            let report = try verify(lines)
            #expect(report.isIntact)
            #expect(report.verifiedLines == 8)
            #expect(report.lastHash == JournalFixtures.sha(lines[7]))
        }
    }

    @Test("an edited field breaks the next line's prev, and both lines are named")
    func editedField() async throws {
        try await withJournal { lines, verify in
            var edited = lines
            edited[3] = edited[3].replacingOccurrences(of: #""durationMs":420"#, with: #""durationMs":42"#)
            let problem = try #require(try verify(edited).problem)
            #expect(problem.location?.line == 5)
            #expect(problem.message == "hash chain broken: line 5 records prev=\(JournalFixtures.sha(lines[3])), but line 4 hashes to \(JournalFixtures.sha(edited[3]))")
            #expect(problem.description.hasPrefix("journal.jsonl:5:1: error: hash chain broken"))
        }
    }

    @Test("a deleted line breaks the sequence where it was")
    func deletedLine() async throws {
        try await withJournal { lines, verify in
            var edited = lines
            edited.remove(at: 2)
            let problem = try #require(try verify(edited).problem)
            #expect(problem.location?.line == 3)
            #expect(problem.message == "sequence broken: line 3 has sequence number 4 after 2")
        }
    }

    @Test("an inserted line is caught where it was inserted")
    func insertedLine() async throws {
        try await withJournal { lines, verify in
            var edited = lines
            edited.insert(lines[5], at: 3)
            let problem = try #require(try verify(edited).problem)
            #expect(problem.location?.line == 4)
            #expect(problem.message == "sequence broken: line 4 has sequence number 6 after 3")
        }
    }

    @Test("an inserted line forged with the right seq and prev still breaks the chain after it")
    func forgedLine() async throws {
        try await withJournal { lines, verify in
            var edited = lines
            let forged = #"{"v":1,"seq":3,"ts":"2026-11-27T20:00:00.002Z","run":"R1","operator":"mallory","event":"note","prev":"\#(JournalFixtures.sha(lines[1]))"}"#
            edited.insert(forged, at: 2)
            let problem = try #require(try verify(edited).problem)
            #expect(problem.location?.line == 4)
            #expect(problem.message.hasPrefix("sequence broken: line 4 has sequence number 3 after 3"))
        }
    }

    @Test("two swapped lines are caught at the first of them")
    func reordered() async throws {
        try await withJournal { lines, verify in
            var edited = lines
            edited.swapAt(4, 5)
            let problem = try #require(try verify(edited).problem)
            #expect(problem.location?.line == 5)
            #expect(problem.message == "sequence broken: line 5 has sequence number 6 after 4")
        }
    }

    @Test("a line cut short in the middle of the file is named")
    func truncatedMiddle() async throws {
        try await withJournal { lines, verify in
            var edited = lines
            edited[4] = String(edited[4].prefix(40))
            let problem = try #require(try verify(edited).problem)
            #expect(problem.location?.line == 5)
            #expect(problem.message == "line 5 is not a journal record: not valid JSON")
        }
    }

    @Test("a line from another run is named")
    func otherRun() async throws {
        try await withJournal { lines, verify in
            var edited = lines
            edited[6] = edited[6].replacingOccurrences(of: #""run":"R1""#, with: #""run":"R2""#)
            let problem = try #require(try verify(edited).problem)
            #expect(problem.location?.line == 7)
            #expect(problem.message == "line 7 belongs to run 'R2', but line 1 to 'R1'")
        }
    }

    @Test("a torn last line is a note, not tampering")
    func tornLastLine() async throws {
        try await withJournal { lines, verify in
            let scratch = try Scratch(prefix: "runbook-journal")
            defer { scratch.remove() }
            let dir: String = scratch.path
            let path = "\(dir)/j"
            let text = lines.joined(separator: "\n") + "\n" + String(lines[7].prefix(30))
            try text.write(toFile: path, atomically: false, encoding: .utf8)
            let report = try AuditVerifier.verify(path, displayName: "journal.jsonl")
            #expect(report.isIntact)
            #expect(report.verifiedLines == 8)
            #expect(report.notes.map(\.description) == ["journal.jsonl:9:1: note: torn last line ignored (30 bytes without a newline): the writer stopped mid-line"])
        }
    }
}
