import Foundation
import Testing

/// backup-master-host and backup-etcd rehearsed in the simulator with the built binary: the
/// archives and the snapshot land in the host's tree; an unhealthy member is refused.
@Suite("backup runbooks rehearsal")
struct BackupRehearsalTests {
    /// Paths under `dir` of the host's tree (relative, sorted), or [] when missing.
    static func listing(_ sim: MasterSim, _ host: String, _ dir: String) -> [String] {
        let base = "\(sim.sim)/hosts/\(host)/root\(dir)"
        return ((try? FileManager.default.subpathsOfDirectory(atPath: base)) ?? []).sorted()
    }

    @Test("backup-master-host: etc-origin-sysconfig.tar.gz, etc-other.tar.gz and packages.txt under /backup/HOST/DATE")
    func masterHost() throws {
        let sim = try MasterSim()
        defer { sim.remove() }
        let host = "master-1.example.com"
        let result = sim.run("backup-master-host", ["host": host])
        #expect(result.status == 0, "\(result.output)")
        let files = Self.listing(sim, host, "/backup/\(host)")
        let date = try #require(files.first)
        #expect(date.count == 8 && date.allSatisfy(\.isNumber), "\(files)")
        for name in ["etc-origin-sysconfig.tar.gz", "etc-other.tar.gz", "packages.txt"] {
            #expect(files.contains("\(date)/\(name)"), "\(files)")
        }
        let base = "\(sim.sim)/hosts/\(host)/root/backup/\(host)/\(date)"
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/usr/bin/tar")
        tar.arguments = ["tzf", "\(base)/etc-origin-sysconfig.tar.gz"]
        let pipe = Pipe()
        tar.standardOutput = pipe
        try tar.run()
        let listing = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        tar.waitUntilExit()
        #expect(listing.contains("etc/origin/master/master-config.yaml"), "\(listing)")
        #expect(listing.contains("etc/sysconfig/docker-storage-setup"), "\(listing)")
        let packages = try String(contentsOfFile: "\(base)/packages.txt", encoding: .utf8)
        #expect(packages.contains("etcd-3.2.22-1.el7.x86_64"))
        #expect(sim.verify(try MasterSim.runID(result.output)).status == 0)
    }

    @Test("backup-etcd: /etc/etcd copied to /backup/etcd-config-DATE and the snapshot to /backup/etcd-data-DATE")
    func etcd() throws {
        let sim = try MasterSim()
        defer { sim.remove() }
        let host = "master-0.example.com"
        let result = sim.run("backup-etcd", ["host": host])
        #expect(result.status == 0, "\(result.output)")
        let files = Self.listing(sim, host, "/backup")
        let config = try #require(files.first { $0.hasPrefix("etcd-config-") && !$0.contains("/") })
        let data = try #require(files.first { $0.hasPrefix("etcd-data-") && !$0.contains("/") })
        #expect(files.contains("\(config)/etcd/etcd.conf"), "\(files)")
        #expect(files.contains("\(config)/etcd/peer.key"), "\(files)")
        #expect(sim.file(host, "/backup/\(config)/etcd/etcd.conf") == sim.file(host, "/etc/etcd/etcd.conf"))
        #expect(files.contains("\(data)/snapshot.db"), "\(files)")
        #expect(sim.exists(host, "/var/lib/etcd/snapshot.db"))
        #expect(sim.file(host, "/backup/\(data)/snapshot.db") == sim.file(host, "/var/lib/etcd/snapshot.db"))
        #expect(sim.verify(try MasterSim.runID(result.output)).status == 0)
    }

    @Test("backup-etcd refuses while a member is unhealthy: exit 1 at endpoints-healthy, no backup written")
    func etcdUnhealthy() throws {
        let sim = try MasterSim()
        defer { sim.remove() }
        try sim.fault("unhealthy-etcd", "master-2.example.com")
        let result = sim.run("backup-etcd", ["host": "master-0.example.com"])
        #expect(result.status == 1)
        #expect(Self.listing(sim, "master-0.example.com", "/backup").isEmpty)
        let run = try MasterSim.runID(result.output)
        #expect(sim.events(run, "stepFailed").map { $0.step.split(separator: "@").first.map(String.init) } == ["endpoints-healthy"])
    }
    @Test("backup-master-host: rpm fails (fault command-fails rpm qa 1): exit 1, the archives written so far removed")
    func masterHostRollsBack() throws {
        let sim = try MasterSim()
        defer { sim.remove() }
        let host = "master-1.example.com"
        try sim.fault("command-fails", "rpm", "qa", "1")
        let before = try sim.comparableState()
        let files = sim.hostFiles()
        let result = sim.run("backup-master-host", ["host": host])
        #expect(result.status == 1)
        #expect(result.output.contains("failed at list-packages@\(host): check failed: exit 1: rpm: simulated failure (fault command-fails)"),
                "\(result.output)")
        let run = try MasterSim.runID(result.output)
        #expect(Set(sim.events(run, "rollbackStepSucceeded").map(\.step))
            == ["archive-origin-sysconfig@\(host)", "archive-other-files@\(host)"])
        // The consumed fault is a test input; the empty dated directory made by `mkdir -p`
        // (no rollback, as the guide's) holds no file, and only files are compared.
        var after = try sim.comparableState() as? [String: Any] ?? [:]
        var expected = before as? [String: Any] ?? [:]
        after.removeValue(forKey: "faults")
        expected.removeValue(forKey: "faults")
        #expect(after as NSDictionary == expected as NSDictionary)
        #expect(sim.hostFiles() == files)
        #expect(sim.verify(run).status == 0)
    }

    @Test("kill -9 mid-way, resume: the same backup files as an uninterrupted run", arguments: ["backup-master-host", "backup-etcd"])
    func killAndResume(runbook: String) async throws {
        let params = ["host": "master-0.example.com"]
        let reference = try MasterSim()
        defer { reference.remove() }
        #expect(reference.run(runbook, params).status == 0)

        let sim = try MasterSim()
        defer { sim.remove() }
        // Held deterministically in the step (fault command-hangs), killed there, released.
        let (step, tool, match) = runbook == "backup-etcd" ? ("snapshot", "etcdctl3", "snapshot") : ("list-packages", "rpm", "qa")
        try sim.fault("command-hangs", tool, match)
        let run = try await sim.runAndKill(runbook, params, at: step)
        #expect(sim.verify(run).status == 0)
        #expect(sim.journal(run).last?["step"] as? String == "\(step)@master-0.example.com")
        try sim.fault("--clear")
        let resumed = sim.resume(run)
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(try sim.comparableState() == reference.comparableState())
        MasterSim.expectSameFiles(sim, reference)
        #expect(sim.verify(run).status == 0)
    }
}
