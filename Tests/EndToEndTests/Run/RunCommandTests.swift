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

    /// True when the binary exists and can load runbooks (the loader is wired in).
    static let canRun: Bool = {
        guard FileManager.default.isExecutableFile(atPath: path), let dir = try? EngineHarness() else { return false }
        let file = dir.path("probe.yaml")
        try? "runbook: probe\nsteps:\n  - id: a\n    run: \"true\"\n".write(toFile: file, atomically: true, encoding: .utf8)
        let process = start(["run", file, "--state-dir", dir.path("state")])
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    static func start(_ arguments: [String], output: FileHandle? = nil) -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = output ?? FileHandle.nullDevice
        process.standardError = output ?? FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try? process.run()
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

@Suite("runbook run (binary)", .enabled(if: RunbookBinary.canRun, "needs the built binary with the loader wired in"))
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
        let process = RunbookBinary.start(["run", file, "--state-dir", h.path("s")])
        #expect(await h.waitForFile("pid"))
        // The watcher counts signals in arrival order. Two SIGINTs sent back to back merge into one
        // pending signal when the process is not scheduled in between (a loaded machine): send the
        // second once the first has been delivered.
        kill(process.processIdentifier, SIGINT)
        #expect(await signalDelivered(SIGINT, to: process.processIdentifier))
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()

        #expect(process.terminationStatus == 130)
        let pid = try #require(h.read("pid").flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        // SIGKILL was sent before the exit; the kernel finishes the process a moment later.
        #expect(await processEnds(pid))
    }
}

/// Waits until `pid` is gone (true) or `seconds` pass (false).
func processEnds(_ pid: Int32, seconds: Double = 5) async -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if !processIsRunning(pid) { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return false
}

/// Waits until `signal` is no longer pending for `pid` (Linux /proc: ShdPnd and SigPnd masks), i.e. it
/// has been delivered; true at once where /proc is not available.
func signalDelivered(_ signal: Int32, to pid: Int32, seconds: Double = 10) async -> Bool {
    let bit = UInt64(1) << UInt64(signal - 1)
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return true }
        let pending = status.split(separator: "\n").contains { line in
            guard line.hasPrefix("ShdPnd:") || line.hasPrefix("SigPnd:"),
                  let mask = line.split(separator: ":").last.flatMap({ UInt64($0.trimmingCharacters(in: .whitespaces), radix: 16) })
            else { return false }
            return mask & bit != 0
        }
        if !pending { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return false
}
