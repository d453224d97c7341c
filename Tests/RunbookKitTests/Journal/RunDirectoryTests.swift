import Foundation
import Testing
import TestSupport
@testable import RunbookYAML
@testable import RunbookCore
@testable import RunbookEngine
@testable import RunbookTerminal

@Suite("Run directory")
struct RunDirectoryTests {
    private func mode(_ path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    @Test("layout, run id, pinned runbooks and modes 0700/0600 whatever the umask")
    func create() throws {
        let scratch = try Scratch(prefix: "runbook-journal")
        defer { scratch.remove() }
        let dir: String = scratch.path
        let old = umask(0o022)
        defer { umask(old) }
        let run = try RunDirectory.create(stateDirectory: "\(dir)/state", runbook: "drain node", file: "runbooks/drain.yaml",
                                          runbookText: Array("runbook: drain\n".utf8), operatorName: "alice@ops",
                                          lockScope: "cluster", clock: { 1_795_809_600_000 })
        #expect(run.runID.range(of: #"^20261127-200000-drain%20node-[0-9a-f]{4}$"#, options: .regularExpression) != nil)
        try run.pinRunbook(Array("runbook: sub\n".utf8), relativeName: "sub/etcd.yaml")
        try run.saveParams(["node": .string("node-1"), "password": .string("hunter2")], secretNames: ["password"])
        try run.saveInventory(Inventory(hosts: [InventoryHost(name: "m0", transport: .sim, port: 22, vars: [
            "ansible_become_pass": .string("pw"), "ansible_ssh_private_key_file": .string("/k"), "zone": .string("hunter2"),
        ])], groups: ["masters": ["m0"]]), scrubber: SecretScrubber(secrets: ["hunter2"]))
        #expect(try String(contentsOfFile: run.inventoryPath, encoding: .utf8) == #"{"groups":{"masters":["m0"]},"hosts":[{"address":"m0","become":false,"name":"m0","port":22,"transport":"sim","vars":{"ansible_become_pass":"***","ansible_ssh_private_key_file":"/k","zone":"***"}}]}"# + "\n")

        #expect(try String(contentsOfFile: "\(run.path)/runbook/drain.yaml", encoding: .utf8) == "runbook: drain\n")
        #expect(try String(contentsOfFile: "\(run.path)/runbook/sub/etcd.yaml", encoding: .utf8) == "runbook: sub\n")
        let params = try String(contentsOfFile: run.paramsPath, encoding: .utf8)
        #expect(params == #"{"params":{"node":"node-1"},"secret":["password"]}"# + "\n")
        let metadata = try run.metadata()
        #expect(metadata == RunMetadata(runID: run.runID, runbook: "drain node", file: "runbooks/drain.yaml",
                                        pinnedFile: "runbook/drain.yaml", started: "2026-11-27T20:00:00.000Z",
                                        operatorName: "alice@ops", lockScope: "cluster"))
        for d in ["", "/runbook", "/runbook/sub", "/output", "/snapshots"] {
            #expect(try mode(run.path + d) == 0o700, "\(d)")
        }
        for f in ["run.json", "params.json", "inventory.json", "runbook/drain.yaml", "runbook/sub/etcd.yaml"] {
            #expect(try mode("\(run.path)/\(f)") == 0o600, "\(f)")
        }
    }

    @Test("runbook names that leave the run directory are refused")
    func unsafeNames() throws {
        let scratch = try Scratch(prefix: "runbook-journal")
        defer { scratch.remove() }
        let dir: String = scratch.path
        let run = try RunDirectory.create(stateDirectory: dir, runbook: "r", file: "r.yaml", runbookText: [], operatorName: "op")
        for name in ["../x.yaml", "/etc/passwd", "a/../../b"] {
            #expect(throws: JournalError.unsafeName(name)) { try run.pinRunbook([], relativeName: name) }
        }
    }

    @Test("open by id, unique prefix or path; list newest first")
    func openAndList() throws {
        let scratch = try Scratch(prefix: "runbook-journal")
        defer { scratch.remove() }
        let dir: String = scratch.path
        let older = try RunDirectory.create(stateDirectory: dir, runbook: "a", file: "a.yaml", runbookText: [],
                                            operatorName: "op", clock: { 1_795_809_600_000 })
        let newer = try RunDirectory.create(stateDirectory: dir, runbook: "b", file: "b.yaml", runbookText: [],
                                            operatorName: "op", clock: { 1_795_809_660_000 })
        #expect(RunDirectory.list(stateDirectory: dir).map(\.runID) == [newer.runID, older.runID])
        #expect(try RunDirectory.open(older.runID, stateDirectory: dir) == older)
        #expect(try RunDirectory.open("20261127-200100", stateDirectory: dir) == newer)
        #expect(try RunDirectory.open(newer.path, stateDirectory: dir) == newer)
        #expect(throws: JournalError.ambiguousRun("2026", candidates: [older.runID, newer.runID])) {
            try RunDirectory.open("2026", stateDirectory: dir)
        }
        #expect(throws: JournalError.runNotFound("nope", stateDirectory: dir)) {
            try RunDirectory.open("nope", stateDirectory: dir)
        }
    }

    @Test("a run report replays the journal and lists steps not started from the pinned runbook")
    func report() async throws {
        let scratch = try Scratch(prefix: "runbook-journal")
        defer { scratch.remove() }
        let dir: String = scratch.path
        let yaml = "runbook: drain\nsteps:\n  - id: cordon\n    run: x\n  - id: drain\n    run: y\n  - id: uncordon\n    run: z\n"
        let run = try RunDirectory.create(stateDirectory: dir, runbook: "drain", file: "drain.yaml",
                                          runbookText: Array(yaml.utf8), operatorName: "op")
        let writer = try JournalWriter(path: run.journalPath, run: run.runID, operatorName: "op")
        for e in JournalFixtures.successfulRun.prefix(6) { try await writer.record(e) }
        await writer.close()
        let report = try RunReport.load(run)
        #expect(report.state.status == .interrupted)
        #expect(report.stepIDs == ["cordon", "drain", "uncordon"])
        #expect(report.notStarted == ["uncordon"])
        let text = StatusRenderer().render(report)
        #expect(text.contains("drain@node-1   in flight    0"))
        #expect(text.contains("uncordon       not started  0"))
        #expect(text.contains("left: drain@node-1, uncordon"))
        #expect(text.contains("resume:   runbook resume \(run.runID)"))
        #expect(RunSummary.load(run).status == "interrupted")
    }
}

@Suite("Pinned runbook")
struct PinnedRunbookTests {
    @Test("an identical runbook passes; a changed one names the first different line")
    func compare() throws {
        let scratch = try Scratch(prefix: "runbook-journal")
        defer { scratch.remove() }
        let dir: String = scratch.path
        let run = try RunDirectory.create(stateDirectory: dir, runbook: "r", file: "runbooks/r.yaml",
                                          runbookText: Array("runbook: r\nsteps:\n  - id: a\n".utf8), operatorName: "op")
        #expect(try run.pinnedRunbookChange(current: Array("runbook: r\nsteps:\n  - id: a\n".utf8)) == nil)
        let change = try #require(try run.pinnedRunbookChange(current: Array("runbook: r\nsteps:\n  - id: b\n".utf8)))
        #expect(change == PinnedRunbookChange(pinnedFile: "runbook/r.yaml", firstDifferentLine: 3,
                                              pinnedLine: "  - id: a", currentLine: "  - id: b"))
        #expect(change.diagnostic(currentFile: "runbooks/r.yaml").description
                == "runbooks/r.yaml:3:1: error: the runbook changed since the run started (first difference at line 3)")
    }

    @Test("--operator wins; else user@host")
    func operatorName() {
        #expect(OperatorName.resolve("alice", environment: [:]) == "alice")
        #expect(OperatorName.resolve(nil, environment: [:]).hasSuffix("@\(LockHolder.localHostName())"))
    }
}
