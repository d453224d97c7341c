// Engine-level test of issue 7: a runbook whose steps run on two inventory hosts reached over
// ssh (both point at the test sshd), through the engine (Engine, EngineHarness).
import Testing
import RunbookCore
import RunbookEngine
import TestSupport

@Suite("Runbook steps on two ssh hosts")
struct SSHTwoHostRunbookTests {
    @Test("outputs and exit codes per host; a remote timeout ends the remote process and rolls back remote file edits")
    func twoHostsTimeoutAndRollback() async throws {
        let sshd = try await TestSSHD.start()
        defer { sshd.stop() }
        let dir = try await sshd.userDirectory("run")
        let config = "\(dir)/app.conf"
        try await sshd.transport().writeFile(config, contents: Array("setting=old\n".utf8), mode: 0o640)
        let inventory = Inventory(hosts: [sshd.host(name: "node-1"), sshd.host(name: "node-2")],
                                  groups: ["nodes": ["node-1", "node-2"]])
        let h = try EngineHarness()
        let runbook = Runbook.test([
            Step(id: "a", action: .run(.test("echo a-$(whoami) > \(dir)/a")), on: .test("node-1"),
                 rollback: [.run(.test("rm \(dir)/a"))], location: testLocation),
            Step(id: "conf", action: .file(.write(path: .test(config), content: .test("setting=new\n"))),
                 on: .test("node-2"), needs: [StepReference("a", at: testLocation)], location: testLocation),
            Step(id: "both", action: .run(.test("echo x >> \(dir)/both")), on: .test("nodes"),
                 needs: [StepReference("conf", at: testLocation)], location: testLocation),
            Step(id: "slow", action: .run(.test("sleep 1000 & echo $! > \(dir)/pid; wait")), on: .test("node-2"),
                 needs: [StepReference("both", at: testLocation)], timeout: TimeSpan(milliseconds: 2000),
                 location: testLocation),
        ])
        let outcome = await h.engine(runbook, inventory: inventory).run()

        #expect(outcome.exitCode == 1)
        #expect(outcome.status == .rolledBack)
        #expect(outcome.failedStep?.hasPrefix("slow") == true)
        #expect(TextFile.read("\(dir)/both") == "x\nx\n")
        // Rollback ran on the hosts: the command's rollback removed a, the snapshot restored the config.
        #expect(TextFile.read("\(dir)/a") == nil)
        #expect(TextFile.read(config) == "setting=old\n")
        let pid = try #require(TextFile.read("\(dir)/pid").flatMap { Int32($0.filter(\.isNumber)) })
        #expect(await ProcessProbe.waitUntilGone(pid), "remote sleep \(pid) survived the step timeout")
        let succeeded = await h.recorder.lines([.stepSucceeded])
        #expect(succeeded.filter { $0.hasPrefix("stepSucceeded both") }.count == 2)
    }

    @Test("an unreachable host fails its step with the transport's message, never succeeds")
    func unreachableHostFailsTheStep() async throws {
        let sshd = try await TestSSHD.start()
        defer { sshd.stop() }
        var down = sshd.host(name: "node-down")
        down.port = try TestSSHD.freePort()
        let h = try EngineHarness()
        let runbook = Runbook.test([
            Step(id: "reach", action: .run(.test("true")), on: .test("node-down"), location: testLocation),
        ])
        let outcome = await h.engine(runbook, inventory: Inventory(hosts: [down])).run()

        #expect(outcome.exitCode == 1)
        #expect(outcome.failedStep?.hasPrefix("reach") == true)
        #expect(outcome.reason?.contains("cannot reach runbook-test@127.0.0.1:\(down.port ?? 0): Connection refused") == true)
        #expect(await h.recorder.lines([.stepSucceeded]).isEmpty)
    }
}
