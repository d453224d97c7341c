import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A simulator with real etcd members (`runbook sim init DIR --etcd real`): where it keeps
/// its processes, how simulated addresses map to the loopback addresses the real members
/// listen on, and how the simulated tools (which run in a sandbox without network) reach the
/// supervisor that runs etcd and etcdctl outside it.
///
/// Layout, under `<simdir>/etcd-real/`: `addresses.json` (simulated host → its loopback
/// address, 127.R.S.n, ports 2379/2380 as on the guide's hosts), `supervisor.pid`,
/// `supervisor.sock` (requests from the tools), `pids/<host>.pid` (each running etcd),
/// `logs/<host>.log` (etcd's own log) and `supervisor.log`.
public struct RealEtcd: Sendable {
    /// The simulator directory (absolute, or `SandboxCommand.mountPoint` inside the sandbox).
    public let simDirectory: String

    /// Creates a value with every field given.
    public init(simDirectory: String) { self.simDirectory = simDirectory }

    /// `<simdir>/etcd-real`.
    public var directory: String { simDirectory + "/etcd-real" }
    var addressesPath: String { directory + "/addresses.json" }
    var supervisorPidPath: String { directory + "/supervisor.pid" }
    var socketPath: String { directory + "/supervisor.sock" }
    var pidsDirectory: String { directory + "/pids" }
    var logsDirectory: String { directory + "/logs" }
    func pidPath(_ host: String) -> String { pidsDirectory + "/" + host + ".pid" }

    /// True when this simulator runs real etcd members.
    public var isEnabled: Bool { FileManager.default.fileExists(atPath: addressesPath) }

    /// Simulated host name → loopback address.
    public func addresses() -> [String: String] {
        guard let data = FileManager.default.contents(atPath: addressesPath),
              let map = try? JSONDecoder().decode([String: String].self, from: data) else { return [:] }
        return map
    }

    // MARK: Address mapping

    /// Rewrites every URL naming a simulated host (by name or IP) to that host's loopback address.
    static func toReal(_ text: String, state: ClusterState, addresses: [String: String]) -> String {
        var pairs: [(String, String)] = []
        for h in state.hosts {
            guard let loopback = addresses[h.name] else { continue }
            pairs.append((h.name, loopback))
            pairs.append((h.ip, loopback))
        }
        var out = text
        for (from, to) in pairs.sorted(by: { $0.0.count > $1.0.count }) {
            out = out.replacingOccurrences(of: "//" + from + ":", with: "//" + to + ":")
        }
        return out
    }

    /// Rewrites loopback addresses in etcd's output back to the simulated hosts' IPs.
    static func toSimulated(_ text: String, state: ClusterState, addresses: [String: String]) -> String {
        var out = text
        for h in state.hosts {
            guard let loopback = addresses[h.name] else { continue }
            out = out.replacingOccurrences(of: loopback + ":", with: h.ip + ":")
        }
        return out
    }

    // MARK: Processes

    /// The pid recorded in `path` when that process is alive and its command line contains `marker`.
    static func livePid(at path: String, marker: String) -> pid_t? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
              let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0, kill(pid, 0) == 0,
              let cmdline = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
        return String(decoding: cmdline, as: UTF8.self).contains(marker) ? pid : nil
    }

    /// The running supervisor, if any.
    public var supervisorPid: pid_t? { Self.livePid(at: supervisorPidPath, marker: "etcd-supervisor") }

    /// The etcd processes recorded in `pids/` that are still alive.
    public func memberPids() -> [String: pid_t] {
        var out: [String: pid_t] = [:]
        for file in (try? FileManager.default.contentsOfDirectory(atPath: pidsDirectory)) ?? [] where file.hasSuffix(".pid") {
            let host = String(file.dropLast(4))
            if let pid = Self.livePid(at: pidPath(host), marker: "etcd") { out[host] = pid }
        }
        return out
    }

    /// Stops the supervisor and every etcd it started (SIGCONT first, for members a fault froze).
    /// Returns what it stopped.
    @discardableResult
    public func stopAll() -> [String] {
        var stopped: [String] = []
        if let pid = supervisorPid {
            kill(pid, SIGTERM)
            stopped.append("supervisor (pid \(pid))")
            _ = Self.waitForExit(pid)
        }
        for (host, pid) in memberPids().sorted(by: { $0.key < $1.key }) {
            kill(pid, SIGCONT)
            kill(pid, SIGKILL)
            _ = Self.waitForExit(pid)
            stopped.append("etcd of \(host) (pid \(pid))")
        }
        try? FileManager.default.removeItem(atPath: pidsDirectory)
        try? FileManager.default.removeItem(atPath: supervisorPidPath)
        try? FileManager.default.removeItem(atPath: socketPath)
        return stopped
    }

    /// Etcd processes left behind by a supervisor that is gone (killed with SIGKILL before its
    /// members noticed): stops them. Returns a notice for each.
    public func cleanStale() -> [String] {
        guard isEnabled, supervisorPid == nil else { return [] }
        let stale = memberPids()
        guard !stale.isEmpty else { return [] }
        return stopAll().map { "stopped stale \($0)" }
    }

    /// Waits (at most 10 s) until `pid` is gone; true when it is.
    static func waitForExit(_ pid: pid_t) -> Bool {
        for _ in 0..<1000 {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { return true }
            if kill(pid, 0) != 0 && errno == ESRCH { return true }
            if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
               stat.split(separator: ")").last?.trimmingCharacters(in: .whitespaces).hasPrefix("Z") == true { return true }
            usleep(10_000)
        }
        return false
    }

    // MARK: Requests to the supervisor

    /// A request from a tool or the CLI.
    struct Request: Codable, Sendable {
        /// `sync` (apply the simulated state now), `restart` (the host's member), `etcdctl`,
        /// `openssl` (the real one, in the host's view), `stop`.
        var op: String
        var host: String = ""
        var args: [String] = []
        var api: String = "3"
        var cwd: String = "/"
        /// Variables for the program (`openssl`: `SAN`, read by the etcd CA's openssl.cnf).
        var env: [String: String] = [:]
    }

    /// The supervisor's answer.
    struct Response: Codable, Sendable {
        var status: Int32
        var stdout: String = ""
        var stderr: String = ""
    }

    /// Sends `request` and waits for the answer; waits up to 10 s for the supervisor's socket.
    func send(_ request: Request) throws(SimError) -> Response {
        let body: Data
        do { body = try JSONEncoder().encode(request) } catch { throw SimError.io("cannot encode request: \(error)") }
        var fd: Int32 = -1
        for attempt in 0..<1000 {
            fd = Self.connect(socketPath)
            if fd >= 0 { break }
            if attempt == 999 { throw SimError.io("the real etcd supervisor does not answer on \(socketPath)") }
            usleep(10_000)
        }
        defer { close(fd) }
        var sent = 0
        let bytes = [UInt8](body)
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw SimError.io("cannot write to \(socketPath)") }
            sent += n
        }
        shutdown(fd, Int32(SHUT_WR))
        let answer = Self.readAll(fd)
        do { return try JSONDecoder().decode(Response.self, from: answer) } catch {
            throw SimError.io("the real etcd supervisor gave no answer")
        }
    }

    static func connect(_ path: String) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return -1 }
        var address = unixAddress(path)
        let ok = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        if ok != 0 { close(fd); return -1 }
        return fd
    }

    static func unixAddress(_ path: String) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let bytes = Array(path.utf8.prefix(raw.count - 1))
            for (i, b) in bytes.enumerated() { raw[i] = b }
            raw[bytes.count] = 0
        }
        return address
    }

    static func readAll(_ fd: Int32) -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            data.append(contentsOf: buffer[0..<n])
        }
        return data
    }
}
