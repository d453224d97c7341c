import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one runner of the built binaries (`.build/debug/runbook`, `.build/debug/runbook-sim`) for
/// every test: arguments, working directory, environment, and what a user sees, kept apart
/// (exit status, the signal that ended it, stdout, stderr).
///
/// - `CLI.run(...)` runs to the end and blocks its thread: for synchronous tests.
/// - `CLI.start(...)` returns a live ``RunningCLI`` (send signals, kill -9, wait for a file); its
///   `wait()` suspends without holding a thread of the cooperative pool.
///
/// The child gets the test's environment without any `RUNBOOK_*` variable, plus `NO_COLOR=1`, plus
/// `environment` (pass `"NO_COLOR": ""` to allow colour). Its stdin is /dev/null; stdout and stderr
/// go to files, not pipes, so a chatty child never blocks on a full pipe and can be killed at any
/// moment. A binary that has not been built fails the test (``CLI/Missing``), never skips it.
public enum CLI {
    /// The package root, found from this file (Tests/TestSupport/CLI/CLI.swift).
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `.build/debug/runbook` under the package root.
    public static let binary: URL = root.appendingPathComponent(".build/debug/runbook")

    /// `.build/debug/runbook-sim` under the package root.
    public static let simBinary: URL = root.appendingPathComponent(".build/debug/runbook-sim")

    /// The repository's `runbooks/` directory.
    public static let runbooks: String = root.appendingPathComponent("runbooks").path

    /// Which binary to run.
    public enum Program: Sendable {
        case runbook, runbookSim
        /// Another executable, e.g. a tool of a simulated cluster (`SIM/bin/oc`: a link to `runbook-sim`).
        case executable(String)

        public var url: URL {
            switch self {
            case .runbook: CLI.binary
            case .runbookSim: CLI.simBinary
            case .executable(let path): URL(fileURLWithPath: path)
            }
        }
    }

    /// How the binary is launched.
    public enum Launch: Sendable {
        /// As is.
        case direct
        /// In a new session (`setsid -w`): no controlling terminal to prompt on.
        case withoutTerminal
        /// On a pseudo-terminal (util-linux `script -qec`); stdout and stderr both arrive on stdout.
        case onTerminal
        /// Behind a wrapper command, e.g. `["/usr/bin/time", "-f", "maxrss-kb=%M"]`.
        case wrapped([String])
    }

    /// What one invocation printed and how it ended.
    public struct Outcome: CustomStringConvertible, Sendable {
        /// The exit status; for a process ended by a signal, 128 + the signal number (as a shell reports it).
        public var status: Int32
        /// The signal that ended the process, nil when it exited.
        public var signal: Int32?
        public var stdout: String
        public var stderr: String

        public init(status: Int32, signal: Int32? = nil, stdout: String, stderr: String) {
            self.status = status
            self.signal = signal
            self.stdout = stdout
            self.stderr = stderr
        }

        /// stdout followed by stderr, for messages and loose checks.
        public var output: String { stdout + stderr }

        public var description: String {
            let end = signal.map { "killed by signal \($0)" } ?? "exit \(status)"
            return "\(end)\n--- stdout\n\(stdout)--- stderr\n\(stderr)"
        }
    }

    /// A binary that has not been built: the test fails, saying what to do.
    public struct Missing: Error, CustomStringConvertible {
        public let path: String
        public init(path: String) { self.path = path }
        public var description: String { "\(path) is missing: run `swift build --build-tests` before the tests" }
    }

    /// Runs `runbook ARGUMENTS` (or `program`) in `directory` (default: the package root, so paths
    /// print as `runbooks/…`) to the end. Blocks the calling thread until the child exits.
    public static func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:],
                           program: Program = .runbook, launch: Launch = .direct) throws -> Outcome {
        try start(arguments, in: directory, environment: environment, program: program, launch: launch).waitUntilExit()
    }

    /// Starts `runbook ARGUMENTS` (or `program`) and returns the live process.
    public static func start(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:],
                             program: Program = .runbook, launch: Launch = .direct) throws -> RunningCLI {
        let executable = program.url.path
        guard FileManager.default.isExecutableFile(atPath: executable) else { throw Missing(path: executable) }
        let process = Process()
        switch launch {
        case .direct:
            process.executableURL = program.url
            process.arguments = arguments
        case .withoutTerminal:
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
            process.arguments = ["-w", executable] + arguments
        case .onTerminal:
            process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
            let command = ([executable] + arguments).map(shellQuoted).joined(separator: " ")
            process.arguments = ["-qec", command, "/dev/null"]
        case .wrapped(let wrapper):
            guard let first = wrapper.first else { throw Missing(path: "(empty wrapper)") }
            process.executableURL = URL(fileURLWithPath: first)
            process.arguments = Array(wrapper.dropFirst()) + [executable] + arguments
        }
        process.currentDirectoryURL = directory ?? root
        var inherited = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("RUNBOOK_") }
        inherited["NO_COLOR"] = "1"
        process.environment = inherited.merging(environment) { $1 }
        return try RunningCLI(process)
    }

    /// `text` as one word for /bin/sh.
    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}

/// A started binary: its pid, signals, what it printed so far, and its end.
public final class RunningCLI {
    public let process: Process
    private let scratch: Scratch
    private let exit = ExitSignal()

    init(_ process: Process) throws {
        self.process = process
        scratch = try Scratch(prefix: "runbook-cli")
        let out = try scratch.handle("stdout"), err = try scratch.handle("stderr")
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        let exit = self.exit
        process.terminationHandler = { _ in exit.fire() }
        try process.run()
        try out.close()
        try err.close()
    }

    /// The child's process id.
    public var pid: Int32 { process.processIdentifier }

    /// True until the child has ended.
    public var isRunning: Bool { process.isRunning }

    /// Sends `signal` to the child.
    public func send(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// What the child has printed so far (stdout, then stderr).
    public var outputSoFar: String { ((try? scratch.read("stdout")) ?? "") + ((try? scratch.read("stderr")) ?? "") }

    /// Suspends until the child has ended (without holding a thread) and returns what it printed.
    public func wait() async -> CLI.Outcome {
        await exit.wait()
        return outcome()
    }

    /// Blocks the calling thread until the child has ended; for synchronous tests.
    public func waitUntilExit() -> CLI.Outcome {
        process.waitUntilExit()
        return outcome()
    }

    private func outcome() -> CLI.Outcome {
        let signalled = process.terminationReason == .uncaughtSignal
        let code = process.terminationStatus
        return CLI.Outcome(status: signalled ? 128 + code : code, signal: signalled ? code : nil,
                           stdout: (try? scratch.read("stdout")) ?? "", stderr: (try? scratch.read("stderr")) ?? "")
    }
}

/// A one-shot event: `fire()` once, `wait()` any number of times, before or after.
private final class ExitSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var fired = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func fire() {
        lock.lock()
        fired = true
        let woken = waiters
        waiters = []
        lock.unlock()
        woken.forEach { $0.resume() }
    }

    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            lock.lock()
            if fired {
                lock.unlock()
                continuation.resume()
            } else {
                waiters.append(continuation)
                lock.unlock()
            }
        }
    }
}

/// Waits (checking every 10 ms, without holding a thread) until `condition` holds; false after `seconds`.
public func eventually(seconds: Double = 10, _ condition: () -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}
