import Foundation
import RunbookCore

/// The bubblewrap (`bwrap`) command line that confines one simulated step to its host.
///
/// Without it, a rehearsal's shell builtins, redirections and any command the simulator does
/// not shim reach the real machine (`echo x > /etc/marker` wrote the operator's `/etc`). Inside:
/// `/` is the simulated host's tree (each of its top-level entries bound read-write onto
/// bwrap's own root, so bwrap's mount points never land in the tree and parallel steps never
/// race to create them), the system's `/usr` and the simulator's tools (and the libraries they
/// load) are read-only, `/tmp` is the host's own (or an empty tmpfs), there is no network but a
/// loopback of its own, and the sandbox dies with its parent. The simulator directory is bound
/// at `mountPoint`, so the simulated tools find `state.json` and the host trees as before.
struct SandboxCommand: Sendable {
    /// Where the simulator directory appears inside the sandbox (`RUNBOOK_SIM_DIR`).
    static let mountPoint = "/.runbook-sim"

    /// `<simdir>/hosts/<host>/root`.
    var hostRoot: String
    /// The simulator directory.
    var simDirectory: String
    /// Read-only directories the simulated tools need besides `/usr`.
    var toolDirectories: [String]
    /// Shares this machine's network and pid namespace: only for the real etcd members and their
    /// `etcdctl`, run by `EtcdSupervisor` outside every step's sandbox (see `RealEtcd`).
    var sharesNetwork = false

    /// What a command in the sandbox runs with besides its own environment: the simulator's tools
    /// first on `PATH` (before `path`), and the simulator directory and host as the tools see them.
    static func toolVariables(host: String, path: String) -> [String: String] {
        SimLayout(directory: mountPoint).toolEnvironment(host: host).merging(["PATH": mountPoint + "/bin:" + path]) { $1 }
    }

    /// The shell text that runs `command` (shell text) with `/bin/sh -c` inside the sandbox.
    func wrap(_ command: String) -> String {
        (["exec", "bwrap"] + arguments + ["/bin/sh", "-c", command]).map(ShellQuote.quoted).joined(separator: " ")
    }

    /// The system's directories, never taken from the host's tree.
    static let systemEntries: Set<String> = ["usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32", "proc", "dev",
                                             String(mountPoint.dropFirst())]

    /// bwrap's options; order matters: later mounts go on top of earlier ones.
    var arguments: [String] {
        var args: [String] = []
        let entries = ((try? FileManager.default.contentsOfDirectory(atPath: hostRoot)) ?? []).sorted()
        for entry in entries where !Self.systemEntries.contains(entry) {
            args += ["--bind", hostRoot + "/" + entry, "/" + entry]
        }
        if !entries.contains("tmp") { args += ["--tmpfs", "/tmp"] }
        args += ["--ro-bind", "/usr", "/usr"]
        for top in ["bin", "sbin", "lib", "lib32", "lib64", "libx32"] {
            let path = "/" + top
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) {
                args += ["--symlink", target, path]
            } else if FileManager.default.fileExists(atPath: path) {
                args += ["--ro-bind", path, path]
            }
        }
        // Debian's `/usr/bin/awk` and friends are links into the system's `/etc/alternatives`.
        // (bwrap makes the empty mount point `etc/alternatives` in the host's tree.)
        if FileManager.default.fileExists(atPath: "/etc/alternatives") {
            args += ["--ro-bind", "/etc/alternatives", "/etc/alternatives"]
        }
        args += ["--proc", "/proc", "--dev", "/dev"]
        for directory in toolDirectories { args += ["--ro-bind", directory, directory] }
        args += ["--bind", simDirectory, Self.mountPoint]
        args += (sharesNetwork ? [] : ["--unshare-net", "--unshare-pid"]) + ["--unshare-ipc", "--unshare-uts", "--die-with-parent",
                 "--chdir", "/", "--setenv", "HOME", "/root", "--setenv", "TMPDIR", "/tmp"]
        return args
    }

    /// The sandbox for `host` of the simulator in `simDirectory`.
    static func forHost(_ host: String, simDirectory: String) -> SandboxCommand {
        SandboxCommand(hostRoot: simDirectory + "/hosts/" + host + "/root", simDirectory: simDirectory,
                       toolDirectories: toolDirectories(simDirectory: simDirectory))
    }

    /// `path` made absolute against the working directory (bwrap binds absolute paths only).
    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    /// The directory of the `runbook-sim` binary the tools link to, and of every library it
    /// loads from outside `/usr` (a toolchain's Swift runtime, as `ldd` lists it).
    static func toolDirectories(simDirectory: String) -> [String] {
        guard let recorded = try? String(contentsOfFile: simDirectory + "/tool-path", encoding: .utf8) else { return [] }
        // `bin/` links to the recorded path, which may itself go through a symlink (`.build/debug`).
        let linked = recorded.trimmingCharacters(in: .whitespacesAndNewlines)
        let tool = URL(fileURLWithPath: linked).resolvingSymlinksInPath().path
        if let known = cache.withLock({ $0[linked] }) { return known }
        var directories = [(tool as NSString).deletingLastPathComponent]
        let linkedDirectory = (linked as NSString).deletingLastPathComponent
        if linkedDirectory != directories[0] { directories.append(linkedDirectory) }
        if let ldd = Self.capture(["ldd", tool]), ldd.status == 0 {
            for line in ldd.output.split(separator: "\n") {
                // `libX.so => /path/libX.so (0x…)` or `/lib64/ld-linux-x86-64.so.2 (0x…)`
                guard let path = line.split(separator: " ").first(where: { $0.hasPrefix("/") }) else { continue }
                let real = URL(fileURLWithPath: String(path)).resolvingSymlinksInPath().path
                let directory = (real as NSString).deletingLastPathComponent
                if !directory.hasPrefix("/usr/"), !directories.contains(directory) { directories.append(directory) }
            }
        }
        cache.withLock { $0[linked] = directories }
        return directories
    }

    /// Why simulated steps cannot be confined here, or nil when bubblewrap works. Checked once.
    static func unavailableReason() -> String? {
        if let known = availability.withLock({ $0 }) { return known.reason }
        let reason: String?
        if let probe = Self.capture(["bwrap", "--ro-bind", "/", "/", "--unshare-net", "--unshare-pid",
                                     "--die-with-parent", "/bin/true"]), probe.status != 127 {
            if probe.status == 0 {
                reason = nil
            } else {
                let last = probe.output.split(whereSeparator: \.isNewline).last.map(String.init) ?? "exit \(probe.status)"
                reason = "bubblewrap cannot create the rehearsal sandbox here (\(last)); it needs unprivileged user "
                    + "namespaces (sysctl kernel.unprivileged_userns_clone=1) or root. A rehearsal never runs unconfined."
            }
        } else {
            reason = missing
        }
        availability.withLock { $0 = Availability(reason: reason) }
        return reason
    }

    /// Runs a short probe (`bwrap … /bin/true`, `ldd`) to its end with Foundation's `Process`,
    /// once per process: SimulatorKit stays free of the engine's process runner. Returns the
    /// exit status and stdout and stderr together; nil when it cannot be started.
    static func capture(_ arguments: [String]) -> (status: Int32, output: String)? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        // One pipe for both streams, drained before waiting: it can never fill up and block.
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    private static let missing = "rehearsals run every simulated step in a bubblewrap sandbox, and `bwrap` is not "
        + "installed: apt-get install bubblewrap (scripts/install-deps does it). A rehearsal never runs unconfined."

    private struct Availability { var reason: String? }
    private static let availability = LockedValue<Availability?>(nil)
    private static let cache = LockedValue<[String: [String]]>([:])
}

/// A value behind a lock, for process-wide caches.
final class LockedValue<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func withLock<T>(_ body: (inout Value) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}

extension SimTransport {
    /// Why a rehearsal cannot run here (bubblewrap missing or unable to sandbox), or nil: `run`
    /// and `resume` with `--sim` refuse up front rather than fail at the first simulated step.
    public static func sandboxUnavailableReason() -> String? {
        SandboxCommand.unavailableReason()
    }
}
