import Foundation
import Testing
import TestSupport

/// Runs the built `runbook` binary.
struct RunbookBinary {
    static let path: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/runbook").path
    }()

    static func start(_ arguments: [String], output: FileHandle? = nil) -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = output ?? FileHandle.nullDevice
        process.standardError = output ?? FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            Issue.record("cannot start \(path) (build it first with swift build): \(error)")
        }
        return process
    }

    /// Runs to the end; returns the exit code and stdout+stderr.
    static func run(_ arguments: [String]) -> (code: Int32, output: String) {
        let pipe = Pipe()
        let process = start(arguments, output: pipe.fileHandleForWriting)
        try? pipe.fileHandleForWriting.close()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

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
        #expect(RunbookBinary.run(["run", ok, "--state-dir", h.path("s")]).code == 0)
        let rolled = try write(h, """
            runbook: rolled
            steps:
              - id: a
                run: "true"
                rollback: "true"
              - id: b
                run: "exit 1"
            """)
        #expect(RunbookBinary.run(["run", rolled, "--state-dir", h.path("s")]).code == 1)
        let broken = try write(h, """
            runbook: broken
            steps:
              - id: a
                run: "true"
                rollback: "exit 9"
              - id: b
                run: "exit 1"
            """)
        let result = RunbookBinary.run(["run", broken, "--state-dir", h.path("s")])
        #expect(result.code == 3)
        #expect(result.output.contains("  - a: rollback `exit 9`: exit 9"))
        #expect(RunbookBinary.run(["run", ok, "--param", "nope=1", "--state-dir", h.path("s")]).code == 2)
    }

    @Test("SIGINT mid-step: exit 4, the command's process tree is gone, the next step never ran")
    func sigint() async throws {
        let h = try EngineHarness()
        let file = try write(h, """
            runbook: long
            steps:
              - id: long
                run: "sleep 1000 & echo $! > \(h.path("pid")); wait"
              - id: after
                run: "touch \(h.path("after"))"
            """)
        let process = RunbookBinary.start(["run", file, "--state-dir", h.path("s"), "--output", "json"])
        #expect(await h.waitForFile("pid"))
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()

        #expect(process.terminationStatus == 4)
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
                run: "trap '' TERM; sleep 1000 & echo $! > \(h.path("pid")); while true; do sleep 0.05; done"
            """)
        _ = FileManager.default.createFile(atPath: h.path("out"), contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: h.path("out")))
        let process = RunbookBinary.start(["run", file, "--state-dir", h.path("s")], output: output)
        #expect(await h.waitForFile("pid"))
        // Two back-to-back kill(2) calls can reach the process as one pending SIGINT, so the second
        // is sent only once the first was handled (runbook says so on stderr).
        kill(process.processIdentifier, SIGINT)
        #expect(await h.waitUntil { (h.read("out") ?? "").contains("Ctrl-C again") })
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()

        #expect(process.terminationStatus == 130)
        let pid = try #require(h.read("pid").flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        // SIGKILL was sent before runbook exited; the kernel ends the orphan soon after.
        #expect(await h.waitUntil { !processIsRunning(pid) }, "sleep \(pid) survived the second SIGINT")
    }
}
