import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// File utilities (`mkdir`, `mv`, `cp`, `cat`, `tar` …) that see the simulated host's tree: absolute
/// path arguments are mapped onto `<simdir>/hosts/<host>/root` (globs expanded there), then the real
/// tool runs. `ssh HOST CMD` and `scp` cross hosts; `sudo` runs its command as is.
///
/// Shell builtins (`cd`, `test`, `[`, `source`, redirections) see the file system the shell runs in:
/// in a step's sandbox (and a scenario's setup) that is the host's tree bound at `/`.
enum FileTool: SimTool {
    static let names = [
        "mkdir", "mv", "cp", "rm", "cat", "ls", "tar", "tee", "touch", "sed", "grep", "head", "tail", "chmod", "chown",
        "ln", "find", "stat", "diff", "cmp", "sha256sum", "md5sum", "wc", "scp", "ssh", "sudo", "vi",
    ]
    /// Tools whose first operand is a pattern or script, not a path.
    static let patternFirst: Set<String> = ["sed", "grep"]

    static func run(_ c: ToolContext) throws -> Int32 {
        switch c.tool {
        case "sudo":
            let rest = c.args.drop { $0.hasPrefix("-") }
            guard let cmd = rest.first else { throw c.fail("usage: sudo command") }
            return try exec(c, cmd, Array(rest.dropFirst()), searchPath: true)
        case "ssh": return try ssh(c)
        case "vi": throw c.fail("vi: interactive editors are not available in the simulator; edit with a file action or sed -i")
        case "scp":
            let recursive = c.args.contains("-r")
            let mapped = try c.args.filter { !$0.hasPrefix("-") }.map { try mapRemote(c, $0) }
            return try exec(c, "cp", (recursive ? ["-r"] : []) + mapped)
        default:
            return try exec(c, c.tool, mapArguments(c))
        }
    }

    static func mapArguments(_ c: ToolContext) -> [String] {
        var out: [String] = []
        // The first operand passes as written: a `sed`/`grep` pattern, or the TARGET of `ln -s TARGET
        // LINK`, which on the host names the host's file; whoever follows the link resolves it in the
        // host's tree (a step's sandbox, `ConfinedPath`). Mapped, the link held this machine's path
        // of the tree (`readlink` showed it).
        let pattern = patternFirst.contains(c.tool) && !c.args.contains { $0 == "-e" || $0 == "-f" || $0.hasPrefix("--expression") }
        let linkTarget = c.tool == "ln" && isSymbolic(c.args) && operands(c.args).count >= 2
        var firstOperandAsWritten = pattern || linkTarget
        var afterDashDash = false
        for arg in c.args {
            if !afterDashDash, arg == "--" { afterDashDash = true; out.append(arg); continue }
            if !afterDashDash, arg.hasPrefix("-"), arg.count > 1 {
                if let eq = arg.firstIndex(of: "="), arg[arg.index(after: eq)...].hasPrefix("/") {
                    out.append(String(arg[...eq]) + c.tree.real(String(arg[arg.index(after: eq)...])))
                } else { out.append(arg) }
                continue
            }
            if firstOperandAsWritten { firstOperandAsWritten = false; out.append(arg); continue }
            out += arg.hasPrefix("/") && !arg.hasPrefix(c.simDirectory) && !devices.contains(arg) ? expand(c.tree.real(arg)) : [arg]
        }
        return out
    }

    /// Whether `ln`'s options ask for a symbolic link (`-s`, `--symbolic`, or `s` among short flags).
    static func isSymbolic(_ args: [String]) -> Bool {
        for arg in args {
            if arg == "--" { break }
            if arg == "--symbolic" { return true }
            if arg.hasPrefix("-"), !arg.hasPrefix("--"), arg.dropFirst().contains("s") { return true }
        }
        return false
    }

    /// The arguments that are not options.
    static func operands(_ args: [String]) -> [String] {
        var out: [String] = [], afterDashDash = false
        for arg in args {
            if !afterDashDash, arg == "--" { afterDashDash = true; continue }
            if !afterDashDash, arg.hasPrefix("-"), arg.count > 1 { continue }
            out.append(arg)
        }
        return out
    }

    /// The devices every host has (those bubblewrap's `--dev` gives a step): kept as they are, so
    /// `tar -T /dev/null` or `cmp f /dev/null` read the device, not a file in the host's tree.
    static let devices: Set<String> = ["/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom",
                                       "/dev/stdin", "/dev/stdout", "/dev/stderr", "/dev/tty"]

    /// Glob expansion inside the host tree (the shell already tried, against the real disk).
    static func expand(_ path: String) -> [String] {
        guard path.contains(where: { "*?[".contains($0) }) else { return [path] }
        var g = glob_t()
        defer { globfree(&g) }
        guard glob(path, 0, nil, &g) == 0 else { return [path] }
        return (0..<Int(g.gl_pathc)).compactMap { g.gl_pathv[$0].map { String(cString: $0) } }
    }

    /// `host:/path` -> that host's tree; `/path` -> this host's tree.
    static func mapRemote(_ c: ToolContext, _ arg: String) throws -> String {
        if let colon = arg.firstIndex(of: ":"), !arg.hasPrefix("/") {
            let host = try resolveHost(c, String(arg[..<colon]))
            let path = String(arg[arg.index(after: colon)...])
            return HostTree(simDirectory: c.simDirectory, host: host).real(path.isEmpty ? "/root" : path)
        }
        return arg.hasPrefix("/") ? c.tree.real(arg) : arg
    }

    /// A short or full host name from the cluster (`master-0` -> `master-0.example.com`).
    static func resolveHost(_ c: ToolContext, _ name: String) throws -> String {
        let bare = name.split(separator: "@").last.map(String.init) ?? name
        let state = try c.view().state
        if let h = state.hosts.first(where: { $0.name == bare || $0.ip == bare || $0.name.hasPrefix(bare + ".") }) {
            if state.faults.contains(.unreachable(host: h.name)) {
                throw c.fail("ssh: connect to host \(h.ip) port 22: No route to host", code: 255)
            }
            return h.name
        }
        throw c.fail("ssh: Could not resolve hostname \(bare): Name or service not known", code: 255)
    }

    static func ssh(_ c: ToolContext) throws -> Int32 {
        var args = c.args[...]
        while let a = args.first, a.hasPrefix("-") {
            args = args.dropFirst()
            if ["-p", "-i", "-o", "-l", "-F"].contains(a) { args = args.dropFirst() }
        }
        guard let target = args.first else { throw c.fail("usage: ssh [options] destination [command]", code: 255) }
        let host = try resolveHost(c, target)
        let command = args.dropFirst().joined(separator: " ")
        guard !command.isEmpty else { throw c.fail("Pseudo-terminal will not be allocated: the simulator has no interactive shell", code: 255) }
        setenv(SimLayout.hostVariable, host, 1)
        return try exec(c, "/bin/sh", ["-c", command])
    }

    /// Replaces this process with the real tool.
    static func exec(_ c: ToolContext, _ tool: String, _ args: [String], searchPath: Bool = false) throws -> Int32 {
        let path: String
        if tool.hasPrefix("/") { path = tool } else if searchPath {
            let dirs = (c.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
            guard let found = dirs.map({ $0 + "/" + tool }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
                throw c.fail("sudo: \(tool): command not found")
            }
            path = found
        } else {
            guard let found = ["/usr/bin/", "/bin/", "/usr/sbin/", "/sbin/"].map({ $0 + tool })
                .first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
                throw c.fail("\(tool): command not found", code: 127)
            }
            path = found
        }
        let argv = ([path] + args).map { strdup($0) } + [nil]
        execv(path, argv)
        throw c.fail("\(tool): cannot execute: \(String(cString: strerror(errno)))", code: 126)
    }
}
