import Foundation
import Testing
import TestSupport

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
    let dir: Scratch
    var state: String { dir.path("state") }

    init() throws { dir = try Scratch(prefix: "runbook-e2e") }

    /// `dir/name`.
    func path(_ name: String) -> String { dir.path(name) }

    /// Writes `text` to `dir/name` and returns the path.
    func write(_ name: String, _ text: String) throws -> String {
        try text.write(toFile: path(name), atomically: true, encoding: .utf8)
        return path(name)
    }

    /// Runs `runbook ARGS --state-dir STATE` to the end.
    func runbook(_ arguments: [String], environment: [String: String] = [:]) async throws -> CLI.Outcome {
        try await start(arguments, environment: environment).wait()
    }

    /// Starts `runbook ARGS --state-dir STATE`.
    func start(_ arguments: [String], environment: [String: String] = [:]) throws -> RunningCLI {
        try CLI.start(arguments + ["--state-dir", state], environment: environment)
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

    /// Starts `runbook run FILE`, waits until its step created `dir/marker`, interrupts it with
    /// SIGINT (exit 4, resumable) and returns the run's id.
    func interruptedRun(_ file: String, at marker: String) async throws -> String {
        let child = try start(["run", file])
        #expect(await waitFor(marker))
        child.send(SIGINT)
        #expect(await child.wait().status == 4)
        return try #require(runs().first)
    }

    /// Creates the empty file `dir/name`.
    func touch(_ name: String) { _ = FileManager.default.createFile(atPath: path(name), contents: nil) }

    func remove() { dir.remove() }
}
