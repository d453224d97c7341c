import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RunbookCore

/// Reaches a host of a simulated cluster (`runbook-sim`): commands run through `base` (a local
/// transport) with the simulator's tools first on PATH and the host named in the environment; file
/// operations map absolute paths onto `<simdir>/hosts/<host>/root`.
public struct SimTransport: Transport {
    /// The inventory host this transport reaches.
    public let host: InventoryHost
    /// The simulator directory (`runbook sim init`).
    public let simDirectory: String
    let base: any Transport

    /// - Parameters:
    ///   - host: an inventory host whose name (or address) is a host of the simulated cluster.
    ///   - simDirectory: the simulator directory.
    ///   - base: runs the command locally (output, timeouts and process-tree teardown are its job).
    public init(host: InventoryHost, simDirectory: String, base: any Transport) {
        self.host = host
        self.simDirectory = simDirectory
        self.base = base
    }

    var layout: SimLayout { SimLayout(directory: simDirectory) }

    /// The simulated host's name, or `.unreachable` when the cluster has no such host.
    func simHost() throws(TransportError) -> String {
        for candidate in [host.name, host.address] {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: layout.tree(of: candidate).root, isDirectory: &isDirectory), isDirectory.boolValue {
                return candidate
            }
        }
        // The machine running `runbook` is simulated too: a rehearsal never touches the real one.
        if host.transport == .local { return try controllerHost() }
        let known = (try? FileManager.default.contentsOfDirectory(atPath: layout.hostsDirectory)) ?? []
        if let match = known.first(where: { $0.hasPrefix(host.name + ".") }) { return match }
        throw TransportError(.unreachable, host: host.name,
                             "ssh: Could not resolve hostname \(host.name): not a host of the simulated cluster in \(simDirectory)")
    }

    /// The simulated controller's tree (`SimLayout.controllerHost`), created with `/tmp` and
    /// `/root` the first time a step runs there.
    func controllerHost() throws(TransportError) -> String {
        let tree = layout.tree(of: SimLayout.controllerHost)
        do { try tree.makeControllerDirectories() } catch {
            throw TransportError(.launchFailed, host: host.name, "cannot create the simulated controller: \(error)")
        }
        return SimLayout.controllerHost
    }

    /// The simulated host, refusing it like ssh would while an `unreachable` fault names it.
    func reachableSimHost() throws(TransportError) -> String {
        let name = try simHost()
        if let state = try? StateStore(directory: simDirectory).read(), state.faults.contains(.unreachable(host: name)) {
            throw TransportError(.unreachable, host: host.name, "ssh: connect to host \(host.address) port 22: No route to host")
        }
        return name
    }

    /// Where an absolute host path lives on disk, resolved inside the host's tree like `chroot`
    /// (`ConfinedPath`): a symbolic link never leads out of it. `followLast` follows a link in
    /// the last component too (reading, `stat -L`); moving and removing act on the link itself.
    func real(_ path: String, followLast: Bool = true) throws(TransportError) -> String {
        let name = try reachableSimHost()
        // On the controller a relative path is relative to its working directory, `/` (the sandbox's `--chdir`).
        guard path.hasPrefix("/") || name == SimLayout.controllerHost else {
            throw TransportError(.fileError, host: host.name, "'\(path)' is not an absolute path")
        }
        do {
            return try ConfinedPath(root: layout.tree(of: name).root).resolve(path, followLast: followLast)
        } catch {
            throw TransportError(.fileError, host: host.name, "'\(path)': Too many levels of symbolic links")
        }
    }

    /// Runs through `base` with the simulator on PATH, confined to the host's tree (see
    /// `SandboxCommand`). - Throws: `.unreachable` for hosts outside the cluster, `.launchFailed`
    /// where the sandbox cannot run (a rehearsal never runs unconfined).
    public func run(_ request: CommandRequest, sink: any OutputSink) async throws -> CommandResult {
        let name = try reachableSimHost()
        if let reason = SandboxCommand.unavailableReason() {
            throw TransportError(.launchFailed, host: host.name, reason)
        }
        var simulated = request
        let path = request.environment["PATH"] ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        simulated.environment.merge(SandboxCommand.toolVariables(host: name, path: path)) { _, tool in tool }
        simulated.command = SandboxCommand.forHost(name, simDirectory: SandboxCommand.absolute(simDirectory))
            .wrap(request.command)
        return try await base.run(simulated, sink: sink)
    }

    /// Reads `<host root>/path`; nil when missing.
    public func readFile(_ path: String) async throws -> [UInt8]? {
        let target = try real(path)
        guard FileManager.default.fileExists(atPath: target) else { return nil }
        guard let data = FileManager.default.contents(atPath: target) else {
            throw TransportError(.fileError, host: host.name, "cannot read '\(path)'")
        }
        return [UInt8](data)
    }

    /// Writes `<host root>/path` atomically, keeping an existing file's mode.
    public func writeFile(_ path: String, contents: [UInt8], mode: UInt16?) async throws {
        // Like the ssh transport's `mv -f`: a link in the last component is replaced, not written through.
        let target = try real(path, followLast: false)
        let directory = (target as NSString).deletingLastPathComponent
        guard FileManager.default.fileExists(atPath: directory) else {
            throw TransportError(.fileError, host: host.name, "cannot write '\(path)': No such file or directory")
        }
        var info = stat()
        let permissions = stat(try real(path), &info) == 0 ? Int(info.st_mode & 0o7777) : Int(mode ?? 0o644)
        let temporary = directory + "/.\((target as NSString).lastPathComponent).runbook-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        do {
            try Data(contents).write(to: URL(fileURLWithPath: temporary))
            try FileManager.default.setAttributes([.posixPermissions: permissions], ofItemAtPath: temporary)
        } catch {
            unlink(temporary)
            throw TransportError(.fileError, host: host.name, "cannot write '\(path)': \(error.localizedDescription)")
        }
        guard rename(temporary, target) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw TransportError(.fileError, host: host.name, "cannot write '\(path)': \(reason)")
        }
    }

    /// Renames inside the host root.
    public func moveFile(from: String, to: String) async throws {
        let source = try real(from, followLast: false), destination = try real(to, followLast: false)
        guard rename(source, destination) == 0 else {
            throw TransportError(.fileError, host: host.name, "cannot move '\(from)' to '\(to)': \(String(cString: strerror(errno)))")
        }
    }

    /// Creates the directory inside the host root (new ones mode 0700).
    public func makeDirectory(_ path: String) async throws {
        let target = try real(path)
        do {
            try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw TransportError(.fileError, host: host.name, "cannot create '\(path)': \(error.localizedDescription)")
        }
    }

    /// The size of a regular file in the host's tree (symbolic links followed inside the tree, as `stat -L`).
    public func fileSize(_ path: String) async throws -> Int {
        let target = try real(path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory) else {
            throw TransportError(.fileError, host: host.name, "No such file or directory")
        }
        guard !isDirectory.boolValue,
              let attributes = try? FileManager.default.attributesOfItem(atPath: target),
              attributes[.type] as? FileAttributeType == .typeRegular,
              let size = attributes[.size] as? NSNumber else {
            throw TransportError(.fileError, host: host.name, "not a regular file")
        }
        return size.intValue
    }

    /// Removes inside the host root (a link itself, not its target); no error when already gone.
    public func removeFile(_ path: String) async throws {
        let target = try real(path, followLast: false)
        guard unlink(target) == 0 || errno == ENOENT else {
            throw TransportError(.fileError, host: host.name, "cannot remove '\(path)': \(String(cString: strerror(errno)))")
        }
    }
}
