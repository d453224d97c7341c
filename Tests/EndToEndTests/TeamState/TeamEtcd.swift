import Foundation
import TestSupport
import SimulatorKit

#if canImport(Glibc)
import Glibc
#endif

/// A dedicated etcd (Debian `etcd-server`) on loopback for one test: one or three members on
/// free ports, data in a scratch directory; `remove()` stops every member it started.
final class TeamEtcd: @unchecked Sendable {
    struct Member {
        var name: String
        var client: UInt16
        var peer: UInt16
        var process: Process?
    }

    enum Failure: Error { case notHealthy(String), noPort }

    let scratch: Scratch
    private(set) var members: [Member] = []
    let prefix: String

    init(members count: Int = 1, prefix: String = "/team") throws {
        scratch = try Scratch(prefix: "team-etcd")
        self.prefix = prefix
        var taken = Set<UInt16>()
        for index in 0..<count {
            let client = try Self.freePort(avoiding: &taken), peer = try Self.freePort(avoiding: &taken)
            members.append(Member(name: "t\(index)", client: client, peer: peer, process: nil))
        }
        for index in members.indices { try launch(index) }
        try awaitHealthy(members.indices.map { $0 })
    }

    /// `etcd://127.0.0.1:P1,…/team`.
    var url: String { "etcd://" + members.map { "127.0.0.1:\($0.client)" }.joined(separator: ",") + prefix }

    /// Stops a member (SIGTERM, waits for it).
    func stop(_ index: Int) {
        guard let process = members[index].process else { return }
        process.terminate()
        process.waitUntilExit()
        members[index].process = nil
    }

    /// Starts a stopped member again on its data and ports, and waits until it answers.
    func restart(_ index: Int) throws {
        try launch(index, state: "existing")
        try awaitHealthy([index])
    }

    func remove() {
        for index in members.indices { stop(index) }
        scratch.remove()
    }

    /// The keys under `prefix`.
    func keys(_ prefix: String) throws -> [String] {
        let out = try etcdctl(["get", prefix, "--prefix", "--keys-only"])
        return out.stdout.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    }

    func etcdctl(_ arguments: [String], endpoints: [Int]? = nil) throws -> CLI.Outcome {
        let chosen = (endpoints ?? members.indices.filter { members[$0].process != nil }).map { "127.0.0.1:\(members[$0].client)" }
        return try CLI.run(["--endpoints=" + chosen.joined(separator: ","), "--dial-timeout=2s"] + arguments,
                           environment: ["ETCDCTL_API": "3"], program: .executable("/usr/bin/etcdctl"))
    }

    private func launch(_ index: Int, state: String = "new") throws {
        let m = members[index]
        let cluster = members.map { "\($0.name)=http://127.0.0.1:\($0.peer)" }.joined(separator: ",")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/etcd")
        process.arguments = [
            "--name", m.name, "--data-dir", scratch.path(m.name), "--logger", "zap",
            "--log-outputs", scratch.path("\(m.name).log"),
            "--listen-client-urls", "http://127.0.0.1:\(m.client)", "--advertise-client-urls", "http://127.0.0.1:\(m.client)",
            "--listen-peer-urls", "http://127.0.0.1:\(m.peer)", "--initial-advertise-peer-urls", "http://127.0.0.1:\(m.peer)",
            "--initial-cluster", cluster, "--initial-cluster-token", "team-\(getpid())-\(members[0].client)",
            "--initial-cluster-state", state, "--heartbeat-interval=10", "--election-timeout=100",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        members[index].process = process
    }

    private func awaitHealthy(_ indices: [Int]) throws {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let out = try? etcdctl(["endpoint", "health"], endpoints: indices), out.status == 0 { return }
            usleep(50_000)
        }
        throw Failure.notHealthy(indices.map { members[$0].name }.joined(separator: ","))
    }

    /// A loopback port nobody listens on (bind succeeds), not handed out before.
    static func freePort(avoiding taken: inout Set<UInt16>) throws -> UInt16 {
        for _ in 0..<200 {
            let port = UInt16.random(in: 20000...60000)
            guard !taken.contains(port), bindable(port) else { continue }
            taken.insert(port)
            return port
        }
        throw Failure.noPort
    }

    static func bindable(_ port: UInt16) -> Bool {
        LoopbackSocket.succeeds(address: "127.0.0.1", port: port) { bind($0, $1, $2) }
    }
}
