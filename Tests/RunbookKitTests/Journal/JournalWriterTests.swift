import Foundation
import Testing
import TestSupport
@testable import RunbookYAML
@testable import RunbookCore
@testable import RunbookEngine

@Suite("Journal writer")
struct JournalWriterTests {
    @Test("lines are chained: seq from 1, prev is the SHA-256 of the previous line, 64 zeros first")
    func chain() async throws {
        let scratch = try Scratch(prefix: "runbook-journal")
        defer { scratch.remove() }
        let dir: String = scratch.path
        let path = try await JournalFixtures.journal(JournalFixtures.successfulRun, in: dir)
        let lines = try JournalFixtures.lines(path)
        #expect(lines.count == 8)
        #expect(lines[0] == #"{"v":1,"seq":1,"ts":"2026-11-27T20:00:00.000Z","run":"R1","operator":"alice@ops","event":"runStarted","message":"drain-node","prev":"0000000000000000000000000000000000000000000000000000000000000000"}"#)
        for i in 1..<lines.count {
            #expect(lines[i].contains(#""seq":\#(i + 1),"#))
            #expect(lines[i].hasSuffix(#""prev":"\#(JournalFixtures.sha(lines[i - 1]))"}"#))
        }
        #expect(lines[3].contains(#""status":"exit 0","durationMs":420,"stdout":{"bytes":3,"sha256":"abc","file":"output/cordon@node-1.1.stdout"}"#))
    }

    @Test("every record round-trips through the reader")
    func roundTrip() async throws {
        let scratch = try Scratch(prefix: "runbook-journal")
        defer { scratch.remove() }
        let dir: String = scratch.path
        let path = try await JournalFixtures.journal(JournalFixtures.successfulRun, in: dir)
        let contents = try JournalReader.read(path)
        #expect(contents.records.map(\.event) == JournalFixtures.successfulRun)
        #expect(contents.records.map(\.sequence) == Array(1...8))
        #expect(contents.notes.isEmpty)
    }

    @Test("a second reader sees each event as soon as record returns")
    func readableWhileWriting() async throws {
        let scratch = try Scratch(prefix: "runbook-journal")
        defer { scratch.remove() }
        let dir: String = scratch.path
        let path = "\(dir)/journal.jsonl"
        let writer = try JournalWriter(path: path, run: "R1", operatorName: "op", clock: JournalFixtures.clock())
        for (i, event) in JournalFixtures.successfulRun.prefix(3).enumerated() {
            try await writer.record(event)
            let seen = try JournalReader.read(path).records
            #expect(seen.count == i + 1)
            #expect(seen.last?.event == event)
        }
        await writer.close()
    }

    @Test("reopening continues the chain and cuts a torn last line")
    func reopen() async throws {
        let scratch = try Scratch(prefix: "runbook-journal")
        defer { scratch.remove() }
        let dir: String = scratch.path
        let path = try await JournalFixtures.journal(Array(JournalFixtures.successfulRun.prefix(3)), in: dir)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"v":1,"seq":4,"ts":"2026-"#.utf8))
        try handle.close()
        let writer = try JournalWriter(path: path, run: "R1", operatorName: "op", clock: JournalFixtures.clock())
        #expect(writer.openingNotes.count == 1)
        #expect(await writer.lastSequence == 3)
        try await writer.record(RunEvent(.runResumed))
        await writer.close()
        let report = try AuditVerifier.verify(path)
        #expect(report.problem == nil)
        #expect(report.verifiedLines == 4)
        #expect(try JournalReader.read(path).records.last?.event.kind == .runResumed)
    }

    @Test("secrets are scrubbed from every string field, clear and shell-quoted")
    func scrubsSecrets() async throws {
        let scratch = try Scratch(prefix: "runbook-journal")
        defer { scratch.remove() }
        let dir: String = scratch.path
        let scrubber = SecretScrubber(secrets: ["s3cr'et"])
        let path = try await JournalFixtures.journal([
            RunEvent(.attemptStarted, step: "login", command: "login --password 's3cr'\\''et'"),
            RunEvent(.stepFailed, step: "login", outputs: ["token": .list([.string("x s3cr'et y")])],
                     message: "bad password s3cr'et"),
        ], in: dir, scrubber: scrubber)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains("s3cr"))
        #expect(text.contains(#""command":"login --password ***""#))
        #expect(text.contains(#""outputs":{"token":["x *** y"]}"#))
        #expect(text.contains(#""message":"bad password ***""#))
    }

    @Test("--audit-log mirrors every line byte for byte")
    func auditLogMirror() async throws {
        let scratch = try Scratch(prefix: "runbook-journal")
        defer { scratch.remove() }
        let dir: String = scratch.path
        let log = "\(dir)/audit.log"
        for run in ["A", "B"] {
            let writer = try JournalWriter(path: "\(dir)/\(run).jsonl", run: run, operatorName: "op",
                                           auditLogPath: log, clock: JournalFixtures.clock())
            try await writer.record(RunEvent(.runStarted))
            try await writer.record(RunEvent(.runFinished, message: "succeeded"))
            await writer.close()
        }
        let mirrored = try JournalFixtures.lines(log)
        let own = try JournalFixtures.lines("\(dir)/A.jsonl") + JournalFixtures.lines("\(dir)/B.jsonl")
        #expect(mirrored == own)
    }

    @Test("the journal file is created 0600")
    func mode() async throws {
        let scratch = try Scratch(prefix: "runbook-journal")
        defer { scratch.remove() }
        let dir: String = scratch.path
        let old = umask(0)
        defer { umask(old) }
        let path = try await JournalFixtures.journal([RunEvent(.runStarted)], in: dir)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }
}
