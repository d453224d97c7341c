import Foundation
import Testing
import TestSupport
@testable import RunbookYAML
@testable import RunbookCore
@testable import RunbookEngine

@Suite("Journal reader")
struct JournalReaderTests {
    private func journalLines() async throws -> [String] {
        let scratch = try Scratch(prefix: "runbook-journal")
        defer { scratch.remove() }
        let dir: String = scratch.path
        return try JournalFixtures.lines(try await JournalFixtures.journal(JournalFixtures.successfulRun, in: dir))
    }

    @Test("a last line without its newline is ignored with a note")
    func tornWithoutNewline() async throws {
        let lines = try await journalLines()
        let bytes = Array((lines.prefix(3).joined(separator: "\n") + "\n" + lines[3]).utf8)
        let contents = try JournalReader(displayName: "j").decode(bytes)
        #expect(contents.records.count == 3)
        #expect(contents.notes.first?.location?.line == 4)
    }

    @Test("a garbled last line with a newline is ignored with a note")
    func garbledLast() async throws {
        let lines = try await journalLines()
        let bytes = Array((lines.prefix(3).joined(separator: "\n") + "\n\u{0}\u{0}\u{0}\n").utf8)
        let contents = try JournalReader(displayName: "j").decode(bytes)
        #expect(contents.records.count == 3)
        #expect(contents.notes.map(\.message) == ["torn last line ignored (not valid JSON): the writer stopped mid-line"])
    }

    @Test("a broken line before the last throws with its line number")
    func brokenMiddle() async throws {
        var lines = try await journalLines()
        lines[1] = "{oops"
        let bytes = Array((lines.joined(separator: "\n") + "\n").utf8)
        #expect(throws: JournalError.malformedLine(file: "j", line: 2, reason: "not valid JSON")) {
            try JournalReader(displayName: "j").decode(bytes)
        }
        lines[1] = #"{"v":1}"#
        #expect(throws: JournalError.malformedLine(file: "j", line: 2, reason: "missing field 'seq'")) {
            try JournalReader(displayName: "j").decode(Array((lines.joined(separator: "\n") + "\n").utf8))
        }
    }

    @Test("an empty journal has no records and no notes")
    func empty() throws {
        let contents = try JournalReader(displayName: "j").decode([])
        #expect(contents.records.isEmpty)
        #expect(contents.notes.isEmpty)
    }
}
