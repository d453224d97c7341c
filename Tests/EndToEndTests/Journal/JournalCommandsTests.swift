import Foundation
import Testing
import RunbookCore
import RunbookEngine

/// Runs the built `runbook` binary against a run directory made with the library.
@Suite("runs, status, audit commands")
struct JournalCommandsTests {
    /// A state directory with one interrupted run whose step echoed a secret.
    func makeRun() async throws -> (scratch: Scratch, state: String, run: RunDirectory) {
        let scratch = try Scratch(prefix: "runbook-e2e-journal")
        let state = scratch.path("state")
        let yaml = "runbook: rotate\nparams:\n  token: { type: string, secret: true }\nsteps:\n  - id: login\n    run: login\n  - id: rotate\n    run: rotate\n"
        let run = try RunDirectory.create(stateDirectory: state, runbook: "rotate", file: "rotate.yaml",
                                          runbookText: Array(yaml.utf8), operatorName: "alice@ops")
        let scrubber = SecretScrubber(secrets: ["t0ps3cret"])
        try run.saveParams(["token": .string("t0ps3cret"), "env": .string("prod")], secretNames: ["token"])
        let sink = try await RunDirectoryOutputStore(directory: URL(fileURLWithPath: run.path))
            .makeSink(step: "login", attempt: 1, label: "run")
        let scrubbing = ScrubbingOutputSink(scrubber: scrubber, downstream: sink)
        await scrubbing.write(Array("using token t0ps".utf8), to: .stdout)
        await scrubbing.write(Array("3cret\n".utf8), to: .stdout)
        await scrubbing.finish()
        let output = try await sink.finish()
        let writer = try JournalWriter(path: run.journalPath, run: run.runID, operatorName: "alice@ops", scrubber: scrubber)
        try await writer.record(RunEvent(.runStarted, message: "rotate"))
        try await writer.record(RunEvent(.stepStarted, step: "login"))
        try await writer.record(RunEvent(.attemptFinished, step: "login", attempt: 1,
                                         command: "login --token 't0ps3cret'", status: .exited(0),
                                         durationMilliseconds: 1500, stdout: output.stdout))
        try await writer.record(RunEvent(.stepSucceeded, step: "login"))
        try await writer.record(RunEvent(.stepStarted, step: "rotate"))
        await writer.close()
        return (scratch, state, run)
    }

    @Test("runs, status and audit show the run; verify exits 0, then 1 naming the edited line")
    func commands() async throws {
        let (scratch, state, run) = try await makeRun()
        defer { scratch.remove() }

        let runs = try CLI.run(["runs"], environment: ["RUNBOOK_STATE_DIR": state])
        #expect(runs.status == 0)
        #expect(runs.stdout.contains("\(run.runID)  rotate   interrupted  "))

        let status = try CLI.run(["status", "--state-dir", state, run.runID])
        #expect(status.status == 0)
        #expect(status.stdout.contains("rotate  in flight  0"))
        #expect(status.stdout.contains("resume:   runbook resume \(run.runID)"))

        let audit = try CLI.run(["audit", "--state-dir", state, run.runID])
        #expect(audit.stdout.contains("alice@ops  attemptFinished  login   login --token ***  exit 0  1.5s"))

        let ok = try CLI.run(["audit", "verify", "--state-dir", state, run.runID])
        #expect(ok.status == 0)
        #expect(ok.stdout.hasPrefix("ok: 5 lines, chain intact"))

        var lines = try String(contentsOfFile: run.journalPath, encoding: .utf8).components(separatedBy: "\n")
        lines[2] = lines[2].replacingOccurrences(of: "exit 0", with: "exit 1")
        try lines.joined(separator: "\n").write(toFile: run.journalPath, atomically: false, encoding: .utf8)
        let broken = try CLI.run(["audit", "verify", "--state-dir", state, run.runID])
        #expect(broken.status == 1)
        #expect(broken.stdout.hasPrefix("\(run.journalPath):4:1: error: hash chain broken: line 4 records prev="))

        let missing = try CLI.run(["status", "--state-dir", state, "nope"])
        #expect(missing.status == 2)
        #expect(missing.stderr.hasPrefix("error: no run 'nope' in \(state)/runs"))
    }

    @Test("a secret param value appears in no file of the run directory")
    func noSecretOnDisk() async throws {
        let (scratch, _, run) = try await makeRun()
        defer { scratch.remove() }
        let files = FileManager.default.enumerator(atPath: run.path)?.compactMap { $0 as? String } ?? []
        #expect(files.contains("journal.jsonl"))
        #expect(files.contains("output/login.1.run.stdout"))
        for file in files {
            let data = FileManager.default.contents(atPath: "\(run.path)/\(file)") ?? Data()
            #expect(!String(decoding: data, as: UTF8.self).contains("t0ps3cret"), "\(file)")
        }
        #expect(try String(contentsOfFile: "\(run.path)/output/login.1.run.stdout", encoding: .utf8) == "using token ***\n")
    }
}
