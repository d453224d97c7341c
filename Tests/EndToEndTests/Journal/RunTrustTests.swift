import Foundation
import Testing
import TestSupport

/// `audit verify` and `resume` trust nothing they have not checked: the journal's chain, its
/// length (the seal), the files the run was set up with and every output file.
@Suite("run directory trust: audit verify and resume (binary)")
struct RunTrustTests {
    /// a, b, then c which fails (on_failure: stop): exit 1, resumable.
    func stoppedRun(_ s: Scenario) async throws -> (run: String, dir: String) {
        let ledger = s.path("ledger")
        let file = try s.write("rb.yaml", """
            runbook: trust
            params:
              target: { type: string, default: here }
            steps:
              - id: a
                run: "echo a >> \(ledger); echo printed by a"
              - id: b
                run: "echo b >> \(ledger)"
              - id: c
                run: "test -e \(s.path("ok")) && echo c >> \(ledger)"
                on_failure: stop
            """)
        let first = try await s.runbook(["run", file])
        #expect(first.status == 1, "\(first.output)")
        let run = try #require(s.runs().first)
        return (run, "\(s.state)/runs/\(run)")
    }

    func journalLines(_ dir: String) throws -> [String] {
        try String(contentsOfFile: "\(dir)/journal.jsonl", encoding: .utf8).split(separator: "\n").map(String.init)
    }

    func writeJournal(_ dir: String, _ lines: [String]) throws {
        try (lines.map { $0 + "\n" }.joined()).write(toFile: "\(dir)/journal.jsonl", atomically: false, encoding: .utf8)
    }

    @Test("an intact run verifies: setup files, output files and the seal")
    func intact() async throws {
        let s = try Scenario()
        defer { s.remove() }
        let (run, dir) = try await stoppedRun(s)
        let lines = try journalLines(dir).count
        let ok = try await s.runbook(["audit", "verify", run])
        #expect(ok.status == 0, "\(ok.output)")
        #expect(ok.stdout.hasPrefix("ok: \(lines) lines, chain intact, last line sha256 "), "\(ok.stdout)")
        #expect(ok.stdout.contains("; 5 setup files and 1 output files match; sealed at line \(lines)"), "\(ok.stdout)")
    }

    @Test("resume refuses a broken chain (exit 2, the line) and runs nothing; a flipped stepSucceeded is caught")
    func resumeRefusesBrokenChain() async throws {
        let s = try Scenario()
        defer { s.remove() }
        let (run, dir) = try await stoppedRun(s)
        var lines = try journalLines(dir)
        let index = try #require(lines.firstIndex { $0.contains("\"event\":\"stepSucceeded\",\"step\":\"b\"") })
        lines[index] = lines[index].replacingOccurrences(of: "stepSucceeded", with: "stepFailed")
        try writeJournal(dir, lines)
        s.touch("ok")

        let resumed = try await s.runbook(["resume", run])
        #expect(resumed.status == 2, "\(resumed.output)")
        #expect(resumed.stderr.hasPrefix(
            "\(dir)/journal.jsonl:\(index + 2):1: error: hash chain broken: line \(index + 2) records prev="), "\(resumed.stderr)")
        #expect(s.lines("ledger") == ["a", "b"])
        #expect(try journalLines(dir) == lines)
    }

    @Test("an empty or missing journal is not intact: audit verify exits 1 and resume refuses")
    func emptyJournal() async throws {
        let s = try Scenario()
        defer { s.remove() }
        let (run, dir) = try await stoppedRun(s)
        try writeJournal(dir, [])
        s.touch("ok")

        let verify = try await s.runbook(["audit", "verify", run])
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("error: \(dir)/journal.jsonl is empty: it records nothing, not even the run's start"),
                "\(verify.output)")
        let resumed = try await s.runbook(["resume", run])
        #expect(resumed.status == 2, "\(resumed.output)")
        #expect(s.lines("ledger") == ["a", "b"])

        try FileManager.default.removeItem(atPath: "\(dir)/journal.jsonl")
        let missing = try await s.runbook(["audit", "verify", run])
        #expect(missing.status == 1)
        #expect(missing.stdout.contains("error: \(dir)/journal.jsonl is missing: every run has a journal"), "\(missing.output)")
    }

    @Test("a journal cut short after the run ended is caught by the seal (verify exits 1, resume refuses)")
    func truncatedTail() async throws {
        let s = try Scenario()
        defer { s.remove() }
        let (run, dir) = try await stoppedRun(s)
        let lines = try journalLines(dir)
        try writeJournal(dir, Array(lines.dropLast(2)))

        let verify = try await s.runbook(["audit", "verify", run])
        #expect(verify.status == 1)
        #expect(verify.stdout.contains(
            "error: journal cut short: seal.json records \(lines.count) lines when the run last ended, the journal has \(lines.count - 2)"),
                "\(verify.output)")
        s.touch("ok")
        let resumed = try await s.runbook(["resume", run])
        #expect(resumed.status == 2, "\(resumed.output)")
        #expect(s.lines("ledger") == ["a", "b"])
    }

    @Test("edited params.json, run.json, pinned runbook and output file are each named by audit verify")
    func editedFiles() async throws {
        let s = try Scenario()
        defer { s.remove() }
        let (run, dir) = try await stoppedRun(s)
        let outputs = try FileManager.default.contentsOfDirectory(atPath: "\(dir)/output")
        let aOut = try #require(outputs.first { $0.hasPrefix("a.") && $0.hasSuffix(".stdout") })
        for name in ["params.json", "run.json", "runbook/rb.yaml", "output/\(aOut)"] {
            let path = "\(dir)/\(name)"
            let original = try Data(contentsOf: URL(fileURLWithPath: path))
            try (original + Data("x".utf8)).write(to: URL(fileURLWithPath: path))
            let verify = try await s.runbook(["audit", "verify", run])
            #expect(verify.status == 1, "\(name): \(verify.output)")
            #expect(verify.stdout.contains("error: \(name) changed since"), "\(name): \(verify.output)")
            try original.write(to: URL(fileURLWithPath: path))
        }
        #expect(try await s.runbook(["audit", "verify", run]).status == 0)
    }
}

/// `status` and `resume` tell a run that is going on from one that stopped.
@Suite("live runs: status and resume (binary)")
struct LiveRunTests {
    @Test("status says running (pid N) while a process drives the run; resume exits 5; after SIGINT: interrupted")
    func liveRun() async throws {
        let s = try Scenario()
        defer { s.remove() }
        let file = try s.write("rb.yaml", """
            runbook: live
            steps:
              - id: work
                run: "touch \(s.path("mark")); sleep 30"
            """)
        let child = try s.start(["run", file])
        #expect(await s.waitFor("mark"))
        let run = try #require(s.runs().first)

        let status = try await s.runbook(["status", run])
        #expect(status.status == 0)
        #expect(status.stdout.contains("status:   running (pid \(child.process.processIdentifier) on "), "\(status.stdout)")
        #expect(!status.stdout.contains("resumable"), "\(status.stdout)")
        let resumed = try await s.runbook(["resume", run])
        #expect(resumed.status == 5, "\(resumed.output)")
        #expect(resumed.stderr.hasPrefix("error: run \(run) is locked by run \(run) (pid \(child.process.processIdentifier) on "),
                "\(resumed.stderr)")

        child.send(SIGINT)
        #expect(await child.wait().status == 4)
        let after = try await s.runbook(["status", run])
        #expect(after.stdout.contains("status:   interrupted (resumable)"), "\(after.stdout)")
    }
}
