import Foundation
import TestSupport

/// The built `runbook` binary as a child process whose stdout and stderr go to files (so a
/// test can kill it at any moment without a pipe filling up), with its own environment.
struct CLIProcess {
    /// How a finished process ended.
    struct Outcome {
        var code: Int32
        /// True when a signal ended it (then `code` is the signal number).
        var signaled: Bool
        var stdout: String
        var stderr: String
        var output: String { stdout + stderr }
    }

    let process: Process
    let stdoutPath: String
    let stderrPath: String

    /// Starts `runbook ARGS` with the test's environment plus `environment`, stdin from /dev/null.
    /// With `withoutTerminal`, the process runs in a new session (`setsid -w`): no /dev/tty to prompt on.
    static func start(_ arguments: [String], in directory: TemporaryDirectory,
                      environment: [String: String] = [:], withoutTerminal: Bool = false) throws -> CLIProcess {
        let name = UUID().uuidString
        let stdoutPath = directory.file("\(name).stdout")
        let stderrPath = directory.file("\(name).stderr")
        _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        let process = Process()
        if withoutTerminal {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
            process.arguments = ["-w", RunbookBinary.path] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: RunbookBinary.path)
            process.arguments = arguments
        }
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("RUNBOOK_") }
        env["NO_COLOR"] = "1"
        process.environment = env.merging(environment) { $1 }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        try process.run()
        return CLIProcess(process: process, stdoutPath: stdoutPath, stderrPath: stderrPath)
    }

    /// Runs `runbook ARGS` to the end.
    static func run(_ arguments: [String], in directory: TemporaryDirectory,
                    environment: [String: String] = [:], withoutTerminal: Bool = false) async throws -> Outcome {
        let child = try start(arguments, in: directory, environment: environment, withoutTerminal: withoutTerminal)
        return await child.wait()
    }

    /// Waits for the process to end and reads what it printed. Polls rather than blocking in
    /// `waitUntilExit`: a blocked thread of the (2-thread) cooperative pool would starve every
    /// other test running in parallel.
    func wait() async -> Outcome {
        while process.isRunning { try? await Task.sleep(for: .milliseconds(2)) }
        process.waitUntilExit()
        let out = (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? ""
        let err = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
        return Outcome(code: process.terminationStatus, signaled: process.terminationReason == .uncaughtSignal,
                       stdout: out, stderr: err)
    }

    /// Sends `signal` to the process.
    func send(_ signal: Int32) { kill(process.processIdentifier, signal) }
}

/// Waits (polling every 10 ms) until `condition` holds; false after `seconds`.
func eventually(seconds: Double = 10, _ condition: () -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}

/// Live (non-zombie) processes whose command line contains `text`.
func processes(mentioning text: String) -> [Int32] {
    let me = getpid()
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap(Int32.init).filter { pid in
        guard pid != me, let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"), !data.isEmpty
        else { return false }
        return String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self).contains(text)
            && processIsRunning(pid)
    }
}

/// The only run directory under a state directory (each test round uses a fresh one).
func onlyRun(in stateDirectory: String) -> String? {
    // `.<id>` is a run still being set up (it never started).
    let runs = ((try? FileManager.default.contentsOfDirectory(atPath: stateDirectory + "/runs")) ?? []).filter { !$0.hasPrefix(".") }
    return runs.count == 1 ? runs[0] : nil
}

/// A small deterministic generator (SplitMix64) so a failing crash sequence can be replayed from its seed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// One end-to-end scenario: a temporary directory with runbooks, a ledger and a state directory.
struct Scenario {
    let dir = TemporaryDirectory(prefix: "runbook-e2e")
    var state: String { dir.file("state") }

    /// `dir/name`.
    func path(_ name: String) -> String { dir.file(name) }

    /// Writes `text` to `dir/name` and returns the path.
    func write(_ name: String, _ text: String) throws -> String {
        try text.write(toFile: path(name), atomically: true, encoding: .utf8)
        return path(name)
    }

    /// Runs `runbook ARGS --state-dir STATE` to the end.
    func runbook(_ arguments: [String], environment: [String: String] = [:]) async throws -> CLIProcess.Outcome {
        try await CLIProcess.run(arguments + ["--state-dir", state], in: dir, environment: environment)
    }

    /// Starts `runbook ARGS --state-dir STATE`.
    func start(_ arguments: [String], environment: [String: String] = [:]) throws -> CLIProcess {
        try CLIProcess.start(arguments + ["--state-dir", state], in: dir, environment: environment)
    }

    /// The lines of `dir/name` (empty when missing).
    func lines(_ name: String) -> [String] {
        ((try? String(contentsOfFile: path(name), encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// The ids of the runs in the state directory, oldest first.
    func runs() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: state + "/runs")) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    /// Waits until `dir/name` exists.
    func waitFor(_ name: String, seconds: Double = 10) async -> Bool {
        await eventually(seconds: seconds) { FileManager.default.fileExists(atPath: path(name)) }
    }

    /// Creates the empty file `dir/name`.
    func touch(_ name: String) { _ = FileManager.default.createFile(atPath: path(name), contents: nil) }

    func remove() { dir.remove() }
}
