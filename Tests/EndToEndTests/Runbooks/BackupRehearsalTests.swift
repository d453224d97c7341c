import Crypto
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// backup-master-host and backup-etcd rehearsed in the simulator with the built binary: the
/// archives and the snapshot land in the host's tree; an unhealthy member is refused.
@Suite("backup runbooks rehearsal")
struct BackupRehearsalTests {
    /// The simulated machine running `runbook`, where `fetch` puts the backups.
    static let controller = "localhost"

    /// Paths under `dir` of the host's tree (relative, sorted), or [] when missing.
    static func listing(_ sim: MasterSim, _ host: String, _ dir: String) -> [String] {
        let base = "\(sim.sim)/hosts/\(host)/root\(dir)"
        return ((try? FileManager.default.subpathsOfDirectory(atPath: base)) ?? []).sorted()
    }

    @Test("backup-master-host: etc-origin-sysconfig.tar.gz, etc-other.tar.gz and packages.txt fetched to backups/HOST/DATE on the (simulated) controller, 0600; nothing left on the host")
    func masterHost() throws {
        let sim = try MasterSim()
        defer { sim.remove() }
        let host = "master-1.example.com"
        let cluster = { (path: String) in path.hasPrefix(Self.controller + "/") }
        let hostFiles = sim.hostFiles(excluding: cluster)
        let result = sim.run("backup-master-host", ["host": host])
        #expect(result.status == 0, "\(result.output)")
        #expect(Self.listing(sim, host, "/backup").isEmpty, "the staging directory was left on the host")
        #expect(sim.hostFiles(excluding: cluster) == hostFiles)
        let files = Self.listing(sim, Self.controller, "/backups/\(host)")
        let date = try #require(files.first)
        #expect(date.count == 8 && date.allSatisfy(\.isNumber), "\(files)")
        for name in ["etc-origin-sysconfig.tar.gz", "etc-other.tar.gz", "packages.txt"] {
            #expect(files.contains("\(date)/\(name)"), "\(files)")
        }
        let base = "\(sim.sim)/hosts/\(Self.controller)/root/backups/\(host)/\(date)"
        let mode = (try FileManager.default.attributesOfItem(atPath: "\(base)/packages.txt")[.posixPermissions] as? Int)
        #expect(mode == 0o600)
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
        // Nothing else on the host: the staging directory is gone again.
        #expect(files.allSatisfy { $0.hasPrefix(config) || $0.hasPrefix(data) }, "\(files)")
        #expect(sim.verify(try MasterSim.runID(result.output)).status == 0)
    }

    @Test("backup-etcd: the configuration backup and the snapshot fetched to backups/HOST/DATE/etcd-HHMMSS with the host's SHA256SUMS, 0600")
    func etcdOffHost() throws {
        let sim = try MasterSim()
        defer { sim.remove() }
        let host = "master-1.example.com"
        let result = sim.run("backup-etcd", ["host": host])
        #expect(result.status == 0, "\(result.output)")
        let fetched = Self.listing(sim, Self.controller, "/backups/\(host)")
        let date = try #require(fetched.first)
        // <date>/etcd-<HHMMSS>/: a second backup on the same day gets a directory of its own.
        let run = try #require(fetched.dropFirst().first)
        #expect(run.hasPrefix("\(date)/etcd-") && run.count == date.count + 12, "\(fetched)")
        #expect(fetched == [date, run, "\(run)/SHA256SUMS", "\(run)/etcd-config-\(date).tar.gz", "\(run)/snapshot.db"])
        let base = "\(sim.sim)/hosts/\(Self.controller)/root/backups/\(host)/\(run)"
        // The copy is byte for byte the host's snapshot, and SHA256SUMS holds its sum as taken there.
        let snapshot = try #require(FileManager.default.contents(atPath: "\(base)/snapshot.db"))
        #expect(snapshot == FileManager.default.contents(atPath: "\(sim.sim)/hosts/\(host)/root/backup/etcd-data-\(date)/snapshot.db"))
        let sums = try String(contentsOfFile: "\(base)/SHA256SUMS", encoding: .utf8)
        let digest = SHA256.hash(data: snapshot).map { String(format: "%02x", $0) }.joined()
        #expect(sums.contains("\(digest)  snapshot.db\n"), "\(sums)")
        #expect(sums.contains("  etcd-config-\(date).tar.gz\n"), "\(sums)")
        let mode = (try FileManager.default.attributesOfItem(atPath: "\(base)/snapshot.db")[.posixPermissions] as? Int)
        #expect(mode == 0o600)
        // The archive unpacks to the directory restore-etcd's config_backup names.
        let listing = try Self.tar(["-tzf", "\(base)/etcd-config-\(date).tar.gz"]).stdout
        #expect(listing.contains("etcd-config-\(date)/etcd/etcd.conf"), "\(listing)")
        #expect(sim.verify(try MasterSim.runID(result.output)).status == 0)
    }

    @Test("backup-etcd run twice on the same day (replace-etcd-host, then scale-etcd): the second backup gets a directory of its own, nothing is overwritten")
    func etcdTwiceSameDay() throws {
        let sim = try MasterSim()
        defer { sim.remove() }
        let host = "master-0.example.com"
        let first = sim.run("backup-etcd", ["host": host])
        #expect(first.status == 0, "\(first.output)")
        let second = sim.run("backup-etcd", ["host": host])
        #expect(second.status == 0, "\(second.output)")
        let runs = Self.listing(sim, Self.controller, "/backups/\(host)").filter { $0.hasSuffix("/snapshot.db") }
        #expect(runs.count == 2, "\(runs)")
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
    @Test("backup-master-host: rpm fails (fault command-fails rpm qa 1): exit 1, the staging directory is removed from the host, nothing was fetched, the host is as before")
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
        #expect(sim.events(run, "rollbackStepSucceeded").count == 1)
        // The consumed fault is a test input; the staging directory went with the rollback.
        var after = try sim.comparableState() as? [String: Any] ?? [:]
        var expected = before as? [String: Any] ?? [:]
        after.removeValue(forKey: "faults")
        expected.removeValue(forKey: "faults")
        #expect(after as NSDictionary == expected as NSDictionary)
        #expect(sim.hostFiles() == files)
        // Only the empty parent /backup/.runbook-staging may stay (no file is left on the host).
        #expect(Self.listing(sim, host, "/backup") == [".runbook-staging"] || Self.listing(sim, host, "/backup").isEmpty)
        #expect(Self.listing(sim, Self.controller, "/backups").isEmpty)
        #expect(sim.verify(run).status == 0)
    }

    #if os(Linux)
    @Test("backup-master-host keeps extended attributes (tar --selinux --xattrs, like the guide's cp -a) and skips the optional paths a host lacks")
    func masterHostXattrsAndMissingPaths() throws {
        let sim = try MasterSim()
        defer { sim.remove() }
        let host = "master-2.example.com"
        let root = "\(sim.sim)/hosts/\(host)/root"
        let config = "\(root)/etc/origin/master/master-config.yaml"
        #expect(Self.setXattr(config, "user.runbook-test", "kept"), "user xattrs on the test file system")
        let fm = FileManager.default
        for optional in ["/etc/dnsmasq.conf", "/etc/dnsmasq.d"] where fm.fileExists(atPath: root + optional) {
            try fm.removeItem(atPath: root + optional)
        }
        let result = sim.run("backup-master-host", ["host": host])
        #expect(result.status == 0, "\(result.output)")
        let date = try #require(Self.listing(sim, Self.controller, "/backups/\(host)").first)
        let base = "\(sim.sim)/hosts/\(Self.controller)/root/backups/\(host)/\(date)"
        let out = "\(sim.sim)/extracted"
        try fm.createDirectory(atPath: out, withIntermediateDirectories: true)
        #expect(try Self.tar(["--xattrs", "-xzf", "\(base)/etc-origin-sysconfig.tar.gz", "-C", out]).status == 0)
        #expect(Self.getXattr("\(out)/etc/origin/master/master-config.yaml", "user.runbook-test") == "kept")
        let other = try Self.tar(["-tzf", "\(base)/etc-other.tar.gz"]).stdout
        #expect(other.contains("etc/cni/"), "\(other)")
        #expect(!other.contains("dnsmasq"), "\(other)")
    }
    #endif

    #if os(Linux)
    // glibc's xattr functions (sys/xattr.h is not in Swift's Glibc module).
    typealias SetXattr = @convention(c) (UnsafePointer<CChar>, UnsafePointer<CChar>, UnsafeRawPointer, Int, Int32) -> Int32
    typealias GetXattr = @convention(c) (UnsafePointer<CChar>, UnsafePointer<CChar>, UnsafeMutableRawPointer, Int) -> Int

    static func setXattr(_ path: String, _ name: String, _ value: String) -> Bool {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "setxattr") else { return false }
        let set = unsafeBitCast(symbol, to: SetXattr.self)
        let bytes = Array(value.utf8)
        return bytes.withUnsafeBytes { set(path, name, $0.baseAddress!, bytes.count, 0) } == 0
    }

    static func getXattr(_ path: String, _ name: String) -> String? {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "getxattr") else { return nil }
        let get = unsafeBitCast(symbol, to: GetXattr.self)
        var buffer = [UInt8](repeating: 0, count: 64)
        let size = buffer.withUnsafeMutableBytes { get(path, name, $0.baseAddress!, $0.count) }
        return size < 0 ? nil : String(decoding: buffer.prefix(size), as: UTF8.self)
    }
    #endif

    /// `/usr/bin/tar ARGS`, with its output.
    static func tar(_ args: [String]) throws -> (status: Int32, stdout: String) {
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/usr/bin/tar")
        tar.arguments = args
        let pipe = Pipe()
        tar.standardOutput = pipe
        try tar.run()
        let stdout = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        tar.waitUntilExit()
        return (tar.terminationStatus, stdout)
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
