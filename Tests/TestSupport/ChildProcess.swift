import Foundation

/// A finished child process: exit status and what it printed.
public struct FinishedProcess: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs short-lived programs to completion (stdin from /dev/null) for tests that judge a command by its output.
public enum ChildProcess {
    /// Runs `executable` with `arguments` in `directory`.
    /// - Throws: when the program cannot be started.
    public static func run(_ executable: String, _ arguments: [String], in directory: URL? = nil) throws -> FinishedProcess {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        if let directory { p.currentDirectoryURL = directory }
        p.standardInput = FileHandle.nullDevice
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // For small outputs only (a pipe buffer): stdout is read to the end before stderr.
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return FinishedProcess(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                               stderr: String(decoding: e, as: UTF8.self))
    }
}
