import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `runbook-sim etcd-supervisor DIR`: the process, outside every step's sandbox, that runs the
/// real etcd members of a `--etcd real` simulator and the real `etcdctl` for the simulated tools.
///
/// Every 200 ms (and at once when a tool asks) it makes the processes follow the simulated
/// state: a host's member runs while its etcd static pod runs or its `etcd` unit is active, and
/// is frozen (SIGSTOP) while an `unhealthy-etcd` fault names the host. Each member runs in a
/// bubblewrap view of its host's tree (so `/etc/etcd/*.crt`, `/var/lib/etcd` are the host's) that
/// shares this machine's network, on the host's loopback address; its configuration is the
/// host's `/etc/etcd/etcd.conf` with simulated addresses mapped to loopback ones. It exits,
/// stopping every member, when the simulator's state file disappears or `stop` is asked.
public enum EtcdSupervisor {
    /// Runs until stopped; returns the exit code.
    public static func main(simDirectory: String) -> Int32 {
        let supervisor = Supervisor(simDirectory: simDirectory)
        return supervisor.run()
    }
}

final class Supervisor: @unchecked Sendable {
    let sim: String
    let real: RealEtcd
    private let lock = NSLock()
    private var members: [String: Member] = [:]
    /// Hosts whose member exited at start, with when: not restarted by the periodic pass for 5 s.
    private var failedAt: [String: Date] = [:]
    private var stopping = false

    struct Member {
        var process: Process
        var pid: pid_t
        var frozen: Bool
    }

    init(simDirectory: String) {
        sim = simDirectory
        real = RealEtcd(simDirectory: simDirectory)
    }

    func run() -> Int32 {
        try? FileManager.default.createDirectory(atPath: real.pidsDirectory, withIntermediateDirectories: true)
        try? FileManager.default.createDirectory(atPath: real.logsDirectory, withIntermediateDirectories: true)
        unlink(real.socketPath)
        let listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = RealEtcd.unixAddress(real.socketPath)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard listener >= 0, bound == 0, listen(listener, 16) == 0 else {
            FileHandle.standardError.write(Data("etcd-supervisor: cannot listen on \(real.socketPath)\n".utf8))
            return 1
        }
        try? Data("\(getpid())\n".utf8).write(to: URL(fileURLWithPath: real.supervisorPidPath))
        while true {
            if !FileManager.default.fileExists(atPath: SimLayout(directory: sim).statePath) { break }
            if lock.withLock({ stopping }) { break }
            var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, 200)
            if ready > 0 {
                let connection = accept(listener, nil, nil)
                if connection >= 0 {
                    Thread.detachNewThread { [self] in self.serve(connection) }
                }
            } else {
                lock.withLock { _ = reconcile(waitFor: nil) }
            }
        }
        close(listener)
        lock.withLock { for host in members.keys { stopMember(host) } }
        unlink(real.socketPath)
        unlink(real.supervisorPidPath)
        return 0
    }

    /// Answers one request on `fd`.
    func serve(_ fd: Int32) {
        defer { close(fd) }
        let body = RealEtcd.readAll(fd)
        let response: RealEtcd.Response
        if let request = try? JSONDecoder().decode(RealEtcd.Request.self, from: body) {
            response = handle(request)
        } else {
            response = .init(status: 2, stderr: "etcd-supervisor: bad request\n")
        }
        let data = (try? JSONEncoder().encode(response)) ?? Data()
        let bytes = [UInt8](data)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            sent += n
        }
    }

    func handle(_ request: RealEtcd.Request) -> RealEtcd.Response {
        switch request.op {
        case "sync":
            return lock.withLock { reconcile(waitFor: request.host.isEmpty ? nil : request.host) }
        case "restart":
            return lock.withLock {
                stopMember(request.host)
                failedAt[request.host] = nil
                return reconcile(waitFor: request.host)
            }
        case "etcdctl":
            let response = run(request, program: "/usr/bin/etcdctl", environment: ["ETCDCTL_API": request.api])
            // `member add|remove|update|list`: the simulated model's membership follows the real one.
            if response.status == 0, request.args.contains("member") { mirrorMembership() }
            return response
        case "openssl":
            return run(request, program: "/usr/bin/openssl", environment: request.env)
        case "stop":
            lock.withLock { stopping = true }
            return .init(status: 0)
        default:
            return .init(status: 2, stderr: "etcd-supervisor: unknown request \(request.op)\n")
        }
    }

    /// Makes the processes follow the simulated state. With `waitFor`, a member of that host
    /// that had to be started is waited for (listening, or exited: status 1 with its log's end).
    func reconcile(waitFor: String?) -> RealEtcd.Response {
        guard let state = try? StateStore(directory: sim).read() else { return .init(status: 1, stderr: "no simulator state\n") }
        let view = ClusterView(state: state, simDirectory: sim)
        let addresses = real.addresses()
        var started: [String] = []
        for host in addresses.keys.sorted() {
            if let m = members[host], !m.process.isRunning {
                members[host] = nil
                unlink(real.pidPath(host))
            }
            let wanted = view.staticPodRunning(host, "etcd") || view.serviceActive(host, "etcd")
            let frozen = state.faults.contains(.unhealthyEtcd(host: host))
            if wanted, members[host] == nil {
                if host != waitFor, let failed = failedAt[host], Date().timeIntervalSince(failed) < 5 { continue }
                if start(host, state: state, address: addresses[host] ?? "") { started.append(host) }
            } else if !wanted, members[host] != nil {
                stopMember(host)
            }
            if var m = members[host], m.frozen != frozen {
                kill(m.pid, frozen ? SIGSTOP : SIGCONT)
                m.frozen = frozen
                members[host] = m
            }
        }
        var failures = ""
        for host in started {
            if waitListening(host, address: addresses[host] ?? "") {
                failedAt[host] = nil
            } else {
                failedAt[host] = Date()
                if let m = members[host] { kill(m.pid, SIGKILL); m.process.waitUntilExit() }
                members[host] = nil
                unlink(real.pidPath(host))
                if host == waitFor || waitFor == nil {
                    failures += "etcd on \(host) exited at start:\n" + logTail(host)
                }
            }
        }
        if let waitFor, failedAt[waitFor] != nil, !started.contains(waitFor) {
            failures += "etcd on \(waitFor) is not running:\n" + logTail(waitFor)
        }
        return .init(status: failures.isEmpty ? 0 : 1, stderr: failures)
    }

    func logTail(_ host: String) -> String {
        let text = (try? String(contentsOfFile: real.logsDirectory + "/" + host + ".log", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(5).joined(separator: "\n") + "\n"
    }

    /// The `ETCD_*` variables of the host's etcd.conf, addresses mapped to loopback ones;
    /// v2 on as in etcd 3.2 (3.4 needs `ETCD_ENABLE_V2`).
    func environment(_ host: String, state: ClusterState) -> [String: String] {
        let addresses = real.addresses()
        var env = ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "ETCD_ENABLE_V2": "true"]
        for (key, value) in HostTree(simDirectory: sim, host: host).variables("/etc/etcd/etcd.conf") where key.hasPrefix("ETCD_") {
            env[key] = RealEtcd.toReal(value, state: state, addresses: addresses)
        }
        return env
    }

    /// Starts the host's member; false when it cannot be started at all.
    func start(_ host: String, state: ClusterState, address: String) -> Bool {
        let tree = HostTree(simDirectory: sim, host: host)
        guard tree.exists("/etc/etcd/etcd.conf") else { return false }
        let sandbox = SandboxCommand(hostRoot: sim + "/hosts/" + host + "/root", simDirectory: sim, toolDirectories: [],
                                     sharesNetwork: true)
        let pidFile = SandboxCommand.mountPoint + "/etcd-real/pids/" + host + ".pid"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/bwrap")
        process.arguments = sandbox.arguments + ["/bin/sh", "-c", "echo $$ > \(pidFile); exec etcd"]
        process.environment = environment(host, state: state)
        let logPath = real.logsDirectory + "/" + host + ".log"
        if !FileManager.default.fileExists(atPath: logPath) { _ = FileManager.default.createFile(atPath: logPath, contents: nil) }
        guard let log = FileHandle(forWritingAtPath: logPath) else { return false }
        log.seekToEndOfFile()
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        unlink(real.pidPath(host))
        do { try process.run() } catch { return false }
        try? log.close()
        // The pid the shell wrote before becoming etcd.
        var pid: pid_t = 0
        for _ in 0..<500 {
            if let text = try? String(contentsOfFile: real.pidPath(host), encoding: .utf8),
               let p = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) { pid = p; break }
            if !process.isRunning { break }
            usleep(10_000)
        }
        members[host] = Member(process: process, pid: pid, frozen: false)
        return true
    }

    /// Waits (at most 10 s) until the member listens on its client port; false when it exited.
    func waitListening(_ host: String, address: String) -> Bool {
        for _ in 0..<1000 {
            guard let m = members[host], m.process.isRunning else { return false }
            if Self.accepts(address: address, port: 2379) { return true }
            usleep(10_000)
        }
        return members[host]?.process.isRunning ?? false
    }

    static func accepts(address: String, port: UInt16) -> Bool {
        LoopbackSocket.succeeds(address: address, port: port, connect)
    }

    /// Stops the host's member: SIGCONT (a frozen one), SIGTERM, SIGKILL after 5 s.
    func stopMember(_ host: String) {
        guard let m = members[host] else { return }
        if m.pid > 0 {
            kill(m.pid, SIGCONT)
            kill(m.pid, SIGTERM)
        }
        for _ in 0..<500 where m.process.isRunning { usleep(10_000) }
        if m.process.isRunning {
            if m.pid > 0 { kill(m.pid, SIGKILL) }
            m.process.terminate()
        }
        m.process.waitUntilExit()
        members[host] = nil
        unlink(real.pidPath(host))
    }

    /// Runs `program` (the real etcdctl or openssl) in the host's view (its certificates, its
    /// working directory), sharing this machine's network; addresses mapped both ways.
    func run(_ request: RealEtcd.Request, program: String, environment: [String: String]) -> RealEtcd.Response {
        guard let state = try? StateStore(directory: sim).read() else { return .init(status: 1, stderr: "no simulator state\n") }
        let addresses = real.addresses()
        let sandbox = SandboxCommand(hostRoot: sim + "/hosts/" + request.host + "/root", simDirectory: sim,
                                     toolDirectories: [], sharesNetwork: true)
        let args = request.args.map { RealEtcd.toReal($0, state: state, addresses: addresses) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/bwrap")
        // bwrap takes the last --chdir but warns about the first: the host's working directory replaces "/".
        var arguments = sandbox.arguments
        if let i = arguments.firstIndex(of: "--chdir"), i + 1 < arguments.count { arguments[i + 1] = request.cwd }
        // The view's own root (not a host path: only the tree's top-level entries are bound) is made
        // read-only, so a file the program writes under a top-level directory the host lacks
        // (`snapshot restore --data-dir /new/etcd`) fails with "Read-only file system" instead of
        // landing outside the host's tree, where it would be lost without a word.
        arguments += ["--remount-ro", "/"]
        process.arguments = arguments + [program] + args
        process.environment = ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root"].merging(environment) { $1 }
        let scratch = real.directory + "/tmp-\(UUID().uuidString.prefix(8))"
        _ = FileManager.default.createFile(atPath: scratch + ".out", contents: nil)
        _ = FileManager.default.createFile(atPath: scratch + ".err", contents: nil)
        defer {
            unlink(scratch + ".out")
            unlink(scratch + ".err")
        }
        guard let out = FileHandle(forWritingAtPath: scratch + ".out"), let err = FileHandle(forWritingAtPath: scratch + ".err") else {
            return .init(status: 1, stderr: "etcd-supervisor: cannot capture \(program)'s output\n")
        }
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return .init(status: 127, stderr: "\(program): \(error)\n") }
        process.waitUntilExit()
        try? out.close()
        try? err.close()
        let stdout = (try? String(contentsOfFile: scratch + ".out", encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: scratch + ".err", encoding: .utf8)) ?? ""
        return .init(status: process.terminationStatus, stdout: RealEtcd.toSimulated(stdout, state: state, addresses: addresses),
                     stderr: RealEtcd.toSimulated(stderr, state: state, addresses: addresses))
    }

    /// `member list -w json`, decoded.
    struct MemberList: Decodable {
        struct Member: Decodable {
            var ID: UInt64
            var name: String?
            var peerURLs: [String]?
            var clientURLs: [String]?
        }
        var members: [Member]
    }

    /// Makes the simulated model's membership (`etcdMembers`, used by `oc`, `master-restart api`,
    /// flanneld and the simulated playbook) the real cluster's: read with `member list` from the
    /// running members. Left as it is when no member answers.
    func mirrorMembership() {
        let running = lock.withLock { members.keys.sorted() }
        guard let first = running.first else { return }
        let args = ["--cacert", "/etc/etcd/ca.crt", "--cert", "/etc/etcd/peer.crt", "--key", "/etc/etcd/peer.key",
                    "--endpoints", running.map { "https://\($0):2379" }.joined(separator: ","),
                    "--dial-timeout", "1s", "--command-timeout", "2s", "member", "list", "-w", "json"]
        let response = run(RealEtcd.Request(op: "etcdctl", host: first, args: args), program: "/usr/bin/etcdctl",
                           environment: ["ETCDCTL_API": "3"])
        guard response.status == 0, let list = try? JSONDecoder().decode(MemberList.self, from: Data(response.stdout.utf8)) else { return }
        let store = StateStore(directory: sim)
        _ = try? store.update { state in
            let mirrored = list.members.map { m -> EtcdMember in
                let peer = m.peerURLs?.first ?? ""
                let address = ClusterView.urlHost(peer)
                let host = state.hosts.first { $0.ip == address || $0.name == address }?.name ?? ""
                let name = m.name ?? ""
                return EtcdMember(id: String(m.ID, radix: 16), name: name, peerURL: peer, clientURL: m.clientURLs?.first ?? "",
                                  host: host, started: !name.isEmpty)
            }
            if state.etcdMembers != mirrored { state.etcdMembers = mirrored }
        }
    }
}
