import Foundation

/// Runs the `runbook` binary for a scenario and, when asked, kills it with SIGKILL as soon as a
/// given step has started (read from its `--output json` events) — a crash, as an operator's
/// machine would have one. Steps passed as `--hold-at` wait after their `stepStarted` line for a
/// line on stdin: the launcher calls `onHold` with the instance key, then releases the step.
struct ProcessLauncher: Sendable {
    var binary: String

    struct Result: Sendable {
        var status: Int32
        var killed: Bool
        var stdout: String
    }

    /// Runs `binary ARGUMENTS`; stderr goes to `stderrPath`. Blocks the calling thread.
    func run(_ arguments: [String], stderrPath: String, killWhenStarted step: String? = nil,
             holdAt: [String] = [], extraEnvironment: [String: String] = [:],
             onHold: (String) throws -> Void = { _ in }) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments + holdAt.flatMap { ["--hold-at", $0] }
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        environment.merge(extraEnvironment) { _, extra in extra }
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        let release = Pipe()
        process.standardInput = holdAt.isEmpty ? FileHandle.nullDevice : release
        // A released step's process may be gone by the time the line arrives: no SIGPIPE for that.
        if !holdAt.isEmpty { _ = signal(SIGPIPE, SIG_IGN) }
        guard FileManager.default.createFile(atPath: stderrPath, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: stderrPath])
        }
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        try process.run()
        defer { try? release.fileHandleForWriting.close() }
        var output = Data()
        var killed = false
        var pending = Data()
        let reader = pipe.fileHandleForReading
        while true {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            output.append(chunk)
            guard step != nil || !holdAt.isEmpty, !killed else { continue }
            pending.append(chunk)
            while let newline = pending.firstIndex(of: 0x0A) {
                let line = pending[pending.startIndex..<newline]
                pending.removeSubrange(pending.startIndex...newline)
                guard let started = Self.startedStep(line) else { continue }
                if holdAt.contains(where: { Self.matches(started, $0) }) {
                    do { try onHold(started) } catch {
                        kill(process.processIdentifier, SIGKILL)
                        process.waitUntilExit()
                        throw error
                    }
                }
                if let step, Self.matches(started, step) {
                    kill(process.processIdentifier, SIGKILL)
                    killed = true
                    break
                }
                if holdAt.contains(where: { Self.matches(started, $0) }) {
                    try? release.fileHandleForWriting.write(contentsOf: Data("\n".utf8))
                }
            }
        }
        process.waitUntilExit()
        return Result(status: process.terminationStatus, killed: killed, stdout: String(decoding: output, as: UTF8.self))
    }

    /// The instance key of a `stepStarted` event line, nil for any other line.
    static func startedStep(_ line: Data) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any] else { return nil }
        let event = object["event"] as? String ?? object["kind"] as? String
        guard event == "stepStarted" else { return nil }
        return object["step"] as? String
    }

    /// Whether the instance `key` is `step` (an id matches all its instances).
    static func matches(_ key: String, _ step: String) -> Bool {
        key == step || StepStates.id(of: key) == step
    }
}
