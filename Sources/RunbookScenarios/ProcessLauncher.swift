import Foundation

/// Runs the `runbook` binary for a scenario and, when asked, kills it with SIGKILL as soon as a
/// given step has started (read from its `--output json` events) — a crash, as an operator's
/// machine would have one.
struct ProcessLauncher: Sendable {
    var binary: String

    struct Result: Sendable {
        var status: Int32
        var killed: Bool
        var stdout: String
    }

    /// Runs `binary ARGUMENTS`; stderr goes to `stderrPath`. Blocks the calling thread.
    func run(_ arguments: [String], stderrPath: String, killWhenStarted step: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardInput = FileHandle.nullDevice
        guard FileManager.default.createFile(atPath: stderrPath, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: stderrPath])
        }
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        try process.run()
        var output = Data()
        var killed = false
        var pending = Data()
        let reader = pipe.fileHandleForReading
        while true {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            output.append(chunk)
            guard let step, !killed else { continue }
            pending.append(chunk)
            while let newline = pending.firstIndex(of: 0x0A) {
                let line = pending[pending.startIndex..<newline]
                pending.removeSubrange(pending.startIndex...newline)
                if Self.isStart(of: step, line) {
                    kill(process.processIdentifier, SIGKILL)
                    killed = true
                    break
                }
            }
        }
        process.waitUntilExit()
        return Result(status: process.terminationStatus, killed: killed, stdout: String(decoding: output, as: UTF8.self))
    }

    /// A `stepStarted` event of `step` (an id matches all its instances).
    static func isStart(of step: String, _ line: Data) -> Bool {
        guard let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any] else { return false }
        let event = object["event"] as? String ?? object["kind"] as? String
        guard event == "stepStarted", let started = object["step"] as? String else { return false }
        return started == step || StepStates.id(of: started) == step
    }
}
