import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A `runbook sim init DIR --etcd real` simulator in a scratch directory; `remove()` runs
/// `runbook sim destroy` and checks that no process it started is left.
struct RealEtcdSim {
    let scratch: Scratch
    var sim: String { scratch.path("sim") }
    var state: String { scratch.path("state") }
    var hosts: [String] { ["master-0.example.com", "master-1.example.com", "master-2.example.com"] }

    enum Failure: Error { case command([String], String), timeout(String) }

    init() throws {
        scratch = try Scratch(prefix: "real-etcd")
        let result = try CLI.run(["sim", "init", sim, "--etcd", "real"])
        guard result.status == 0 else {
            _ = try? CLI.run(["sim", "destroy", sim])
            throw Failure.command(["sim", "init"], result.output)
        }
    }

    /// `runbook sim destroy`, then the scratch directory.
    func remove() {
        _ = try? CLI.run(["sim", "destroy", sim])
        scratch.remove()
    }

    /// A simulated tool run as `host` (outside a step's sandbox, as a test harness does).
    func tool(_ name: String, _ args: [String], host: String = "master-0.example.com") throws -> CLI.Outcome {
        try CLI.run(args, environment: ["RUNBOOK_SIM_DIR": sim, "RUNBOOK_SIM_HOST": host], program: .executable(sim + "/bin/" + name))
    }

    /// The pids recorded for the members (`etcd-real/pids/HOST.pid`).
    func memberPids() -> [String: pid_t] {
        var out: [String: pid_t] = [:]
        let dir = sim + "/etcd-real/pids"
        for file in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] where file.hasSuffix(".pid") {
            if let text = try? String(contentsOfFile: dir + "/" + file, encoding: .utf8),
               let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                out[String(file.dropLast(4))] = pid
            }
        }
        return out
    }

    var supervisorPid: pid_t? {
        (try? String(contentsOfFile: sim + "/etcd-real/supervisor.pid", encoding: .utf8))
            .flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// True while `pid` is a live etcd (not a zombie).
    static func alive(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
        return !(stat.split(separator: ")").last?.trimmingCharacters(in: .whitespaces).hasPrefix("Z") ?? true)
    }

    /// The process state letter of `pid` (`T` when stopped).
    static func processState(_ pid: pid_t) -> String {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return "" }
        return String(stat.split(separator: ")").last?.trimmingCharacters(in: .whitespaces).prefix(1) ?? "")
    }

    /// Waits (at most 15 s) for `condition`, checking every 50 ms.
    static func await(_ what: String, _ condition: () -> Bool) throws {
        for _ in 0..<300 {
            if condition() { return }
            usleep(50_000)
        }
        throw Failure.timeout(what)
    }
}

@Suite("real etcd behind the simulator", .serialized)
struct RealEtcdTests {
    @Test("sim init --etcd real starts three real members; etcdctl3 member list shows them with the hosts' addresses; destroy leaves no etcd")
    func initListDestroy() throws {
        let sim = try RealEtcdSim()
        defer { sim.remove() }
        let pids = sim.memberPids()
        #expect(pids.keys.sorted() == sim.hosts, "\(pids)")
        #expect(pids.values.allSatisfy(RealEtcdSim.alive))
        let list = try sim.tool("etcdctl3", ["member", "list"])
        #expect(list.status == 0, "\(list.output)")
        let lines = list.stdout.split(separator: "\n")
        #expect(lines.count == 3, "\(list.output)")
        for (host, ip) in zip(sim.hosts, ["192.168.55.8", "192.168.55.12", "192.168.55.13"]) {
            // etcd's own format (3.4: ID, status, name, peer, client, is learner), addresses mapped back.
            #expect(lines.contains { $0.contains(", started, \(host), https://\(ip):2380, https://\(ip):2379, false") },
                    "\(list.stdout)")
        }
        let destroyed = try CLI.run(["sim", "destroy", sim.sim])
        #expect(destroyed.status == 0, "\(destroyed.output)")
        #expect(destroyed.stdout.contains("Simulated cluster destroyed."))
        for (host, pid) in pids { #expect(!RealEtcdSim.alive(pid), "etcd of \(host) still runs") }
        #expect(!FileManager.default.fileExists(atPath: sim.sim))
    }

    @Test("etcd's own refusals and exit codes: removing an unknown member fails as etcd 3.4 says")
    func realRefusal() throws {
        let sim = try RealEtcdSim()
        defer { sim.remove() }
        let remove = try sim.tool("etcdctl3", ["member", "remove", "1234"])
        #expect(remove.status == 1, "\(remove.output)")
        #expect(remove.stderr.contains("member not found"), "\(remove.output)")
        let put = try sim.tool("etcdctl3", ["put", "/runbook/k", "v1"])
        #expect(put.status == 0 && put.stdout == "OK\n", "\(put.output)")
        let get = try sim.tool("etcdctl3", ["get", "/runbook/k", "--print-value-only"], host: "master-2.example.com")
        #expect(get.stdout == "v1\n", "\(get.output)")
        // Plain etcdctl speaks v2 as the 3.2 client on the guide's hosts.
        let health = try sim.tool("etcdctl", ["--ca-file", "/etc/etcd/ca.crt", "--cert-file", "/etc/etcd/peer.crt",
                                              "--key-file", "/etc/etcd/peer.key", "--endpoints", "https://192.168.55.8:2379", "cluster-health"])
        #expect(health.status == 0, "\(health.output)")
        #expect(health.stdout.hasSuffix("cluster is healthy\n"), "\(health.output)")
    }

    @Test("fault unhealthy-etcd freezes the real member (SIGSTOP); clearing the faults thaws it")
    func faultFreezes() throws {
        let sim = try RealEtcdSim()
        defer { sim.remove() }
        let host = "master-1.example.com"
        let pid = try #require(sim.memberPids()[host])
        let fault = try CLI.run(["sim", "fault", sim.sim, "unhealthy-etcd", host])
        #expect(fault.status == 0, "\(fault.output)")
        #expect(RealEtcdSim.processState(pid) == "T")
        // Freezing the leader costs an election (2.5 s in etcd.conf); then the two others have quorum.
        var health = try sim.tool("etcdctl3", ["endpoint", "health"])
        try RealEtcdSim.await("quorum kept by the two others") {
            health = (try? sim.tool("etcdctl3", ["--dial-timeout", "1s", "--command-timeout", "2s", "endpoint", "health"])) ?? health
            return health.status == 0
        }
        let frozen = try sim.tool("etcdctl3", ["--dial-timeout", "1s", "--command-timeout", "2s", "endpoint", "health"], host: host)
        #expect(frozen.status == 1, "\(frozen.output)")
        #expect(frozen.stderr.contains("https://192.168.55.12:2379 is unhealthy"), "\(frozen.output)")
        let state = try CLI.run(["sim", "state", sim.sim])
        #expect(state.stdout.contains("quorum: yes, 2/3 member hosts healthy"), "\(state.output)")
        #expect(state.stdout.contains("  \(host): unhealthy or down"), "\(state.output)")
        let clear = try CLI.run(["sim", "fault", sim.sim, "--clear"])
        #expect(clear.status == 0, "\(clear.output)")
        #expect(RealEtcdSim.processState(pid) != "T")
    }

    @Test("master-restart etcd restarts the real member (a new process, same member); sim reset keeps real etcd")
    func restartAndReset() throws {
        let sim = try RealEtcdSim()
        defer { sim.remove() }
        let host = "master-2.example.com"
        let before = try #require(sim.memberPids()[host])
        let restart = try sim.tool("master-restart", ["etcd"], host: host)
        #expect(restart.status == 0, "\(restart.output)")
        // master-restart only stops the static pod (as openshift-ansible's script does); the member
        // comes back on its own, like the kubelet restarting the pod: await its new process.
        try RealEtcdSim.await("the member started again") { sim.memberPids()[host].map { $0 != before } ?? false }
        let after = try #require(sim.memberPids()[host])
        #expect(after != before)
        #expect(!RealEtcdSim.alive(before))
        let list = try sim.tool("etcdctl3", ["member", "list"], host: host)
        #expect(list.status == 0 && list.stdout.split(separator: "\n").count == 3, "\(list.output)")
        let reset = try CLI.run(["sim", "reset", sim.sim])
        #expect(reset.status == 0, "\(reset.output)")
        #expect(!RealEtcdSim.alive(after))
        #expect(sim.memberPids().count == 3)
        #expect(sim.memberPids().values.allSatisfy(RealEtcdSim.alive))
    }

    @Test("stopping the static pod (manifest moved away) stops the real member; putting it back starts it")
    func staticPodMove() throws {
        let sim = try RealEtcdSim()
        defer { sim.remove() }
        let host = "master-0.example.com"
        let pods = sim.sim + "/hosts/\(host)/root/etc/origin/node/pods"
        let pid = try #require(sim.memberPids()[host])
        try FileManager.default.moveItem(atPath: pods + "/etcd.yaml", toPath: sim.sim + "/hosts/\(host)/root/tmp/etcd.yaml")
        try RealEtcdSim.await("member stopped") { !RealEtcdSim.alive(pid) }
        try FileManager.default.moveItem(atPath: sim.sim + "/hosts/\(host)/root/tmp/etcd.yaml", toPath: pods + "/etcd.yaml")
        try RealEtcdSim.await("member started again") { sim.memberPids()[host].map(RealEtcdSim.alive) ?? false }
    }

    @Test("a supervisor killed with SIGKILL takes its members down; sim state notices and starts them again")
    func killedSupervisor() throws {
        let sim = try RealEtcdSim()
        defer { sim.remove() }
        let pids = sim.memberPids()
        let supervisor = try #require(sim.supervisorPid)
        kill(supervisor, SIGKILL)
        try RealEtcdSim.await("members gone with their supervisor") { !pids.values.contains(where: RealEtcdSim.alive) }
        let state = try CLI.run(["sim", "state", sim.sim])
        #expect(state.status == 0, "\(state.output)")
        #expect(state.stderr.contains("note: restarted the real etcd supervisor"), "\(state.output)")
        let list = try sim.tool("etcdctl3", ["member", "list"])
        #expect(list.status == 0 && list.stdout.split(separator: "\n").count == 3, "\(list.output)")
    }

    @Test("removing the simulator directory (a test's teardown) stops the supervisor and every member")
    func directoryRemoval() throws {
        let sim = try RealEtcdSim()
        let pids = sim.memberPids()
        let supervisor = try #require(sim.supervisorPid)
        sim.scratch.remove()
        try RealEtcdSim.await("supervisor gone") { !RealEtcdSim.alive(supervisor) }
        try RealEtcdSim.await("members gone") { !pids.values.contains(where: RealEtcdSim.alive) }
    }

    @Test("backup-etcd rehearsed against the real members: the snapshot restores into a scratch member that has the key")
    func backupRestorable() throws {
        let sim = try RealEtcdSim()
        defer { sim.remove() }
        let host = "master-0.example.com"
        let put = try sim.tool("etcdctl3", ["put", "/runbook/backup-check", "kept"])
        #expect(put.status == 0, "\(put.output)")
        let args = ["run", CLI.runbooks + "/backup-etcd.yaml", "--sim", sim.sim, "--state-dir", sim.state, "--param", "host=\(host)", "--yes"]
        let run = try CLI.run(args)
        #expect(run.status == 0, "\(run.output)")
        let snapshot = sim.sim + "/hosts/\(host)/root/var/lib/etcd/snapshot.db"
        #expect(FileManager.default.fileExists(atPath: snapshot))
        // Restore with the real etcdctl into a scratch data directory and serve it on a loopback port.
        let restored = sim.scratch.path("restored")
        let restore = try CLI.run(["snapshot", "restore", snapshot, "--data-dir", restored, "--name", "scratch",
                                   "--initial-cluster", "scratch=http://127.0.0.1:1", "--initial-advertise-peer-urls", "http://127.0.0.1:1"],
                                  environment: ["ETCDCTL_API": "3"], program: .executable("/usr/bin/etcdctl"))
        #expect(restore.status == 0, "\(restore.output)")
        let port = Int.random(in: 40000...60000)
        let etcd = Process()
        etcd.executableURL = URL(fileURLWithPath: "/usr/bin/etcd")
        etcd.arguments = ["--name", "scratch", "--data-dir", restored, "--listen-client-urls", "http://127.0.0.1:\(port)",
                          "--advertise-client-urls", "http://127.0.0.1:\(port)", "--listen-peer-urls", "http://127.0.0.1:\(port + 1)",
                          "--initial-advertise-peer-urls", "http://127.0.0.1:1", "--initial-cluster", "scratch=http://127.0.0.1:1"]
        etcd.standardOutput = FileHandle.nullDevice
        etcd.standardError = FileHandle.nullDevice
        try etcd.run()
        defer { etcd.terminate(); etcd.waitUntilExit() }
        var value = ""
        try RealEtcdSim.await("restored member answers") {
            let get = try? CLI.run(["--endpoints", "http://127.0.0.1:\(port)", "--dial-timeout", "1s", "get", "/runbook/backup-check", "--print-value-only"],
                                   environment: ["ETCDCTL_API": "3"], program: .executable("/usr/bin/etcdctl"))
            value = get?.stdout ?? ""
            return get?.status == 0
        }
        #expect(value == "kept\n")
    }

    @Test("snapshot save/restore through the bridge read and write the host's tree; a data dir under a top-level directory the host lacks fails instead of being lost")
    func snapshotRestoreInHostTree() throws {
        let sim = try RealEtcdSim()
        defer { sim.remove() }
        let host = "master-1.example.com"
        let root = sim.sim + "/hosts/\(host)/root"
        try FileManager.default.createDirectory(atPath: root + "/backup", withIntermediateDirectories: true)
        let save = try sim.tool("etcdctl3", ["snapshot", "save", "/backup/snap.db"], host: host)
        #expect(save.status == 0, "\(save.output)")
        #expect(FileManager.default.fileExists(atPath: root + "/backup/snap.db"))
        let restore = { (dataDir: String) throws -> CLI.Outcome in
            try CLI.run(["snapshot", "restore", "/backup/snap.db", "--data-dir", dataDir, "--name", "scratch",
                         "--initial-cluster", "scratch=https://\(host):2380", "--initial-advertise-peer-urls", "https://\(host):2380"],
                        environment: ["RUNBOOK_SIM_DIR": sim.sim, "RUNBOOK_SIM_HOST": host, "ETCDCTL_API": "3"],
                        program: .executable(sim.sim + "/bin/etcdctl"))
        }
        let kept = try restore("/var/lib/etcd-restored")
        #expect(kept.status == 0, "\(kept.output)")
        #expect(FileManager.default.fileExists(atPath: root + "/var/lib/etcd-restored/member/snap/db"))
        // Real etcdctl would make /no-such-top; in the view it cannot be the host's, so it fails.
        let lost = try restore("/no-such-top/etcd")
        #expect(lost.status != 0)
        #expect(lost.stderr.contains("read-only file system"), "\(lost.output)")
        #expect(!FileManager.default.fileExists(atPath: root + "/no-such-top"))
    }

    @Test("backup-etcd with a real member frozen (unhealthy-etcd) refuses at its health gate; the two others keep quorum")
    func backupRefusesWithFrozenMember() throws {
        let sim = try RealEtcdSim()
        defer { sim.remove() }
        let fault = try CLI.run(["sim", "fault", sim.sim, "unhealthy-etcd", "master-2.example.com"])
        #expect(fault.status == 0, "\(fault.output)")
        let run = try CLI.run(["run", CLI.runbooks + "/backup-etcd.yaml", "--sim", sim.sim, "--state-dir", sim.state,
                               "--param", "host=master-0.example.com", "--yes"])
        #expect(run.status != 0, "\(run.output)")
        #expect(run.output.contains("endpoints-healthy"), "\(run.output)")
        #expect(run.output.contains("check failed: exit 1: Error: unhealthy cluster"), "\(run.output)")
        #expect(!FileManager.default.fileExists(atPath: sim.sim + "/hosts/master-0.example.com/root/var/lib/etcd/snapshot.db"))
        var health = try sim.tool("etcdctl3", ["endpoint", "health"])
        try RealEtcdSim.await("quorum kept by the two others") {
            health = (try? sim.tool("etcdctl3", ["--dial-timeout", "1s", "--command-timeout", "2s", "endpoint", "health"])) ?? health
            return health.status == 0
        }
    }
}
