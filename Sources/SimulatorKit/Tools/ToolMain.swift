import Foundation

/// The `runbook-sim` entry point: picks the tool from argv[0] (or argv[1] after `runbook-sim`),
/// applies faults, runs it and returns the exit code.
public enum ToolMain {
    static let tools: [any SimTool.Type] = [
        OcTool.self, EtcdctlTool.self, SystemctlTool.self, MasterRestartTool.self, StorageSetupTool.self,
        LvmTool.self, XfsGrowfsTool.self, YumTool.self, RpmTool.self, HostInfoTool.self, DockerTool.self,
        AnsiblePlaybookTool.self, SecurityTools.self, CurlTool.self, FileTool.self,
        TimeSyncTool.self,
        LvRemoveTool.self,
        CaTrustTool.self,
        MasterExecTool.self,
    ]

    /// Runs the tool named by `arguments` and returns its exit code.
    public static func main(arguments: [String], environment: [String: String]) -> Int32 {
        var args = arguments
        var name = ((args.first ?? "runbook-sim") as NSString).lastPathComponent
        args.removeFirst(min(1, args.count))
        if name == "runbook-sim" || name.hasPrefix("runbook-sim") {
            guard let first = args.first, first != "-h", first != "--help" else {
                FileHandle.standardError.write(Data(usage.utf8))
                return args.isEmpty ? 2 : 0
            }
            name = first
            args.removeFirst()
            if name == "etcd-supervisor", let directory = args.first {
                return EtcdSupervisor.main(simDirectory: directory)
            }
        }
        guard let simDirectory = environment[SimLayout.directoryVariable], !simDirectory.isEmpty else {
            FileHandle.standardError.write(Data("\(name): RUNBOOK_SIM_DIR is not set (this is the runbook simulator)\n".utf8))
            return 2
        }
        guard let tool = tools.first(where: { $0.names.contains(name) }) else {
            FileHandle.standardError.write(Data("runbook-sim: unknown tool '\(name)'\n".utf8))
            return 127
        }
        let store = StateStore(directory: simDirectory)
        let host: String
        do {
            let state = try store.read()
            host = environment[SimLayout.hostVariable] ?? state.groups["masters"]?.first ?? ""
            // The simulated controller (steps without `on`) is no host of the cluster, but runs tools.
            guard state.host(host) != nil || host == SimLayout.controllerHost else {
                FileHandle.standardError.write(Data("ssh: Could not resolve hostname \(host): Name or service not known (not a host of the simulated cluster)\n".utf8))
                return 255
            }
            if state.faults.contains(.unreachable(host: host)) {
                let ip = state.host(host)?.ip ?? host
                FileHandle.standardError.write(Data("ssh: connect to host \(ip) port 22: No route to host\n".utf8))
                return 255
            }
            if try holdsOnCommandHang(store: store, tool: name, args: args) {
                FileHandle.standardError.write(Data("\(name): released without running (fault command-hangs cleared)\n".utf8))
                return 1
            }
            if try consumeCommandFault(store: store, tool: name, args: args) {
                FileHandle.standardError.write(Data("\(name): simulated failure (fault command-fails)\n".utf8))
                return 1
            }
        } catch {
            FileHandle.standardError.write(Data("\(name): \(error)\n".utf8))
            return 2
        }
        let context = ToolContext(tool: name, args: args, host: host, simDirectory: simDirectory, environment: environment)
        do {
            return try tool.run(context)
        } catch let exit as ToolExit {
            return exit.code
        } catch {
            FileHandle.standardError.write(Data("\(name): \(error)\n".utf8))
            return 1
        }
    }

    /// Blocks while a `command-hangs` fault matches this invocation; true when it did (the
    /// fault was cleared meanwhile), false at once when none matches.
    static func holdsOnCommandHang(store: StateStore, tool: String, args: [String]) throws -> Bool {
        let line = args.joined(separator: " ")
        func hanging(_ state: ClusterState) -> Bool {
            state.faults.contains { fault in
                if case .commandHangs(let t, let m) = fault { return t == tool && (m.isEmpty || line.contains(m)) }
                return false
            }
        }
        guard hanging(try store.read()) else { return false }
        while hanging(try store.read()) { usleep(50_000) }
        return true
    }

    /// True (and one fewer failure left) when a `command-fails` fault matches this invocation.
    static func consumeCommandFault(store: StateStore, tool: String, args: [String]) throws -> Bool {
        let line = args.joined(separator: " ")
        func matches(_ f: Fault) -> Bool {
            if case .commandFails(let t, let m, _) = f { return t == tool && (m.isEmpty || line.contains(m)) }
            return false
        }
        guard try store.read().faults.contains(where: matches) else { return false }
        return try store.update { state in
            guard let i = state.faults.firstIndex(where: matches),
                  case .commandFails(let t, let m, let n) = state.faults[i] else { return false }
            if n <= 1 { state.faults.remove(at: i) } else { state.faults[i] = .commandFails(tool: t, match: m, times: n - 1) }
            return true
        }
    }

    static let usage = """
        usage: runbook-sim TOOL [ARGS…]   (or call it through a symlink named after the tool)
        Simulated OpenShift 3.11 tools; needs RUNBOOK_SIM_DIR (and RUNBOOK_SIM_HOST, default the first master).

        """
}
