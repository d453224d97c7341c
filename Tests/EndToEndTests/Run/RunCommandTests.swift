import Foundation
import Testing
import TestSupport

@Suite("runbook run (binary)")
struct RunCommandTests {
    func write(_ h: EngineHarness, _ yaml: String) throws -> String {
        let file = h.path("rb.yaml")
        try yaml.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test("exit codes: 0 done, 1 rolled back, 3 rollback incomplete, 2 bad params")
    func exitCodes() throws {
        let h = try EngineHarness()
        let ok = try write(h, "runbook: ok\nsteps:\n  - id: a\n    run: \"true\"\n")
        #expect(try CLI.run(["run", ok, "--state-dir", h.path("s")]).status == 0)
        let rolled = try write(h, """
            runbook: rolled
            steps:
              - id: a
                run: "true"
                rollback: "true"
              - id: b
                run: "exit 1"
            """)
        #expect(try CLI.run(["run", rolled, "--state-dir", h.path("s")]).status == 1)
        let broken = try write(h, """
            runbook: broken
            steps:
              - id: a
                run: "true"
                rollback: "exit 9"
              - id: b
                run: "exit 1"
            """)
        let result = try CLI.run(["run", broken, "--state-dir", h.path("s")])
        #expect(result.status == 3)
        #expect(result.output.contains("  - a: rollback `exit 9`: exit 9"))
        #expect(try CLI.run(["run", ok, "--param", "nope=1", "--state-dir", h.path("s")]).status == 2)
    }

    @Test("SIGINT mid-step: exit 4, the command's process tree is gone, the next step never ran")
    func sigint() async throws {
        let h = try EngineHarness()
        let file = try write(h, """
            runbook: long
            steps:
              - id: long
                run: "sleep 1000 & echo $! > \(h.path("pid.tmp")); mv \(h.path("pid.tmp")) \(h.path("pid")); wait"
              - id: after
                run: "touch \(h.path("after"))"
            """)
        let child = try CLI.start(["run", file, "--state-dir", h.path("s"), "--output", "json"])
        // The file exists as soon as the redirection opens it, before `echo` writes the pid.
        #expect(await eventually(seconds: 60) { h.read("pid")?.hasSuffix("\n") == true })
        child.send(SIGINT)
        #expect(await child.wait().status == 4)

        let pid = try #require(h.read("pid").flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        #expect(!processIsRunning(pid))
        #expect(!FileManager.default.fileExists(atPath: h.path("after")))
    }

    @Test("a second SIGINT kills at once (exit 130), even a command that ignores SIGTERM")
    func secondSigint() async throws {
        let h = try EngineHarness()
        let file = try write(h, """
            runbook: stubborn
            steps:
              - id: stubborn
                run: "trap '' TERM; sleep 1000 & echo $! > \(h.path("pid.tmp")); mv \(h.path("pid.tmp")) \(h.path("pid")); while true; do sleep 0.05; done"
            """)
        let child = try CLI.start(["run", file, "--state-dir", h.path("s")])
        #expect(await h.waitForFile("pid"))
        // Two back-to-back kill(2) calls can reach the process as one pending SIGINT, so the second
        // is sent only once the first was handled (runbook says so on stderr).
        child.send(SIGINT)
        #expect(await h.waitUntil { child.outputSoFar.contains("Ctrl-C again") })
        child.send(SIGINT)
        #expect(await child.wait().status == 130)

        let pid = try #require(h.read("pid").flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        // SIGKILL was sent before runbook exited; the kernel ends the orphan soon after.
        #expect(await h.waitUntil { !processIsRunning(pid) }, "sleep \(pid) survived the second SIGINT")
    }
}
