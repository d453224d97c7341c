import Foundation
import RunbookCore

/// A simulated tool run outside a rehearsal's engine but confined as a rehearsal step is:
/// `runbook test`'s `setup` commands. Run bare, a tool that runs a command (`ssh HOST CMD`,
/// `sudo`, `master-exec`) ran it with this machine's `/bin/sh`, so a setup line could touch
/// the real machine; inside the host's sandbox (`SandboxCommand`) it reaches only the host's tree.
public struct ConfinedTool: Sendable {
    /// The simulator directory.
    public var simDirectory: String
    /// The simulated host the tool runs on.
    public var host: String

    public init(simDirectory: String, host: String) {
        self.simDirectory = simDirectory
        self.host = host
    }

    /// Runs `words` (a tool of the simulator, then its arguments) in the host's sandbox with
    /// stdout and stderr to the file `output`, stdin from /dev/null; returns its exit status.
    /// - Throws: `SimError.io` when the sandbox cannot run here or the process cannot be started.
    public func run(_ words: [String], output: String) throws(SimError) -> Int32 {
        if let reason = SandboxCommand.unavailableReason() { throw SimError.io(reason) }
        guard let tool = words.first, !tool.isEmpty, !tool.contains("/") else {
            throw SimError.io("'\(words.first ?? "")' is not a tool of the simulator")
        }
        let directory = SandboxCommand.absolute(simDirectory)
        let tree = HostTree(simDirectory: directory, host: host)
        if host == SimLayout.controllerHost { try tree.makeControllerDirectories() }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: tree.root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw SimError.io("\(host) is not a host of the simulated cluster in \(simDirectory)")
        }
        let sandbox = SandboxCommand(hostRoot: tree.root, simDirectory: directory,
                                     toolDirectories: SandboxCommand.toolDirectories(simDirectory: directory))
        // The tool by its path inside the sandbox: only the simulator's own tools run here.
        let command = ([SandboxCommand.mountPoint + "/bin/" + tool] + words.dropFirst()).map(ShellQuote.quoted).joined(separator: " ")
        var environment = ProcessInfo.processInfo.environment
        environment.merge(SandboxCommand.toolVariables(host: host, path: environment["PATH"] ?? "/usr/bin:/bin")) { _, tool in tool }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", sandbox.wrap(command)]
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        guard FileManager.default.createFile(atPath: output, contents: nil),
              let handle = FileHandle(forWritingAtPath: output) else {
            throw SimError.io("cannot write \(output)")
        }
        defer { try? handle.close() }
        process.standardOutput = handle
        process.standardError = handle
        do { try process.run() } catch { throw SimError.io("cannot run \(tool) on \(host): \(error)") }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Puts `content` in the host's file `path`, creating its directories, with every link on the
    /// way resolved inside the host's tree (`ConfinedPath`, as `chroot` would): a link in the tree
    /// whose target is absolute (`/tmp/up -> /etc`) names the host's `/etc`, not this machine's.
    /// - Throws: `SimError.io` when the file cannot be written.
    public func write(_ path: String, content: String) throws(SimError) {
        let confined = ConfinedPath(root: HostTree(simDirectory: simDirectory, host: host).root)
        do {
            let directory = try confined.resolve((path as NSString).deletingLastPathComponent, followLast: true)
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let file = try confined.resolve(path, followLast: true)
            try Data(content.utf8).write(to: URL(fileURLWithPath: file))
        } catch {
            throw SimError.io("cannot write \(path) on \(host): \(error)")
        }
    }
}
