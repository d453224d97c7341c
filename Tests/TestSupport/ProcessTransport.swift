import Foundation
import RunbookCore

/// A minimal local transport for tests: runs `/bin/sh -c` with Foundation.Process, collects output,
/// no timeouts. The real local transport lives in RunbookEngine; this one keeps simulator tests independent.
public struct ProcessTransport: Transport {
    public let host: InventoryHost
    public init(host: InventoryHost = .local) { self.host = host }

    public func run(_ request: CommandRequest, sink: any OutputSink) async throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", request.command]
        process.environment = ProcessInfo.processInfo.environment.merging(request.environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let start = Date()
        do { try process.run() } catch { throw TransportError(.launchFailed, host: host.name, "\(error)") }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        await sink.write([UInt8](stdout), to: .stdout)
        await sink.write([UInt8](stderr), to: .stderr)
        let ms = Int(Date().timeIntervalSince(start) * 1000)
        return CommandResult(status: .exited(process.terminationStatus), duration: TimeSpan(milliseconds: ms))
    }

    public func readFile(_ path: String) async throws -> [UInt8]? { FileManager.default.contents(atPath: path).map { [UInt8]($0) } }
    public func writeFile(_ path: String, contents: [UInt8], mode: UInt16?) async throws {
        try Data(contents).write(to: URL(fileURLWithPath: path))
    }
    public func moveFile(from: String, to: String) async throws { try FileManager.default.moveItem(atPath: from, toPath: to) }
    public func removeFile(_ path: String) async throws { try? FileManager.default.removeItem(atPath: path) }
}

/// Collects a command's output in memory.
public actor CollectingSink: OutputSink {
    public private(set) var stdout: [UInt8] = []
    public private(set) var stderr: [UInt8] = []
    public init() {}
    public func write(_ bytes: [UInt8], to stream: RunbookCore.OutputStream) async {
        if stream == .stdout { stdout += bytes } else { stderr += bytes }
    }
    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}
