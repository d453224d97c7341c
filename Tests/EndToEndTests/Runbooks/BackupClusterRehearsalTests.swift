import Foundation
import Testing

/// backup-cluster and backup-node-host rehearsed in the simulator with the built binary: the
/// one dated directory on the (simulated) controller verifies with the real `sha256sum -c`,
/// its manifest lists every file with its host, size and checksum, and nothing is left on the hosts.
@Suite("backup-cluster and backup-node-host rehearsal")
struct BackupClusterRehearsalTests {
    static let controller = BackupRehearsalTests.controller

    /// Runs `executable` with `arguments` in `directory`; exit status and stdout.
    static func command(_ executable: String, _ arguments: [String], in directory: String) throws -> (status: Int32, stdout: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        p.currentDirectoryURL = URL(fileURLWithPath: directory)
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        try p.run()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return (p.terminationStatus, out)
    }

    @Test("backup-cluster: one cluster-DATE directory; sha256sum -c SHA256SUMS passes and fails on a changed file; MANIFEST.tsv lists host, file, size, sha256 of every file")
    func manifestAndChecksums() throws {
        let sim = try MasterSim()
        defer { sim.remove() }
        let onController = { (path: String) in path.hasPrefix(Self.controller + "/") }
        let hostFiles = sim.hostFiles(excluding: onController)
        let result = sim.run("backup-cluster", [:])
        #expect(result.status == 0, "\(result.output)")
        #expect(sim.hostFiles(excluding: onController) == hostFiles, "a host's files changed (staging or snapshot left behind)")
        let top = BackupRehearsalTests.listing(sim, Self.controller, "/backups").filter { !$0.contains("/") }
        #expect(top.count == 1 && top[0].hasPrefix("cluster-"), "\(top)")
        let dir = "\(sim.sim)/hosts/\(Self.controller)/root/backups/\(try #require(top.first))"
        let files = BackupRehearsalTests.listing(sim, Self.controller, "/backups/\(top[0])").filter {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: "\(dir)/\($0)", isDirectory: &isDirectory) && !isDirectory.boolValue
        }
        let backedUp = files.filter { $0 != "SHA256SUMS" && $0 != "MANIFEST.tsv" }
        // 9 nodes x 4 files, 3 etcd members' configuration, one snapshot, one install file.
        #expect(backedUp.count == 9 * 4 + 3 + 1 + 1, "\(backedUp)")
        #expect(try Self.command("/usr/bin/sha256sum", ["-c", "--quiet", "SHA256SUMS"], in: dir).status == 0)

        let manifest = try String(contentsOfFile: "\(dir)/MANIFEST.tsv", encoding: .utf8)
        var lines = manifest.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.removeFirst() == "host\tfile\tsize\tsha256")
        #expect(lines.removeLast() == "")
        let sums = try String(contentsOfFile: "\(dir)/SHA256SUMS", encoding: .utf8)
        var listed: [String] = []
        for line in lines {
            let f = line.split(separator: "\t").map(String.init)
            try #require(f.count == 4, "\(line)")
            let path = f[0] + "/" + f[1]
            listed.append(path)
            let size = try FileManager.default.attributesOfItem(atPath: "\(dir)/\(path)")[.size] as? Int
            #expect(size == Int(f[2]), "\(line)")
            #expect(sums.contains("\(f[3])  \(path)\n"), "\(line)")
        }
        #expect(listed.sorted() == backedUp.sorted())
        #expect(listed.contains("master-0.example.com/install-files/etc/ansible/hosts"))
        #expect(listed.contains("master-0.example.com/etcd-snapshot.db"))
        #expect(listed.contains("node-2.example.com/packages.txt"))

        // The checksums mean something: one changed byte fails the check.
        let victim = "\(dir)/node-2.example.com/packages.txt"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: victim))
        bytes[0] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: victim))
        #expect(try Self.command("/usr/bin/sha256sum", ["-c", "--quiet", "SHA256SUMS"], in: dir).status != 0)
        #expect(sim.verify(try MasterSim.runID(result.output)).status == 0)
    }

    @Test("backup-cluster run again the same day is refused at fresh-directory: the first backup is never mixed into")
    func secondRunRefused() throws {
        let sim = try MasterSim()
        defer { sim.remove() }
        #expect(sim.run("backup-cluster", [:]).status == 0)
        let before = sim.hostFiles()
        let again = sim.run("backup-cluster", [:])
        #expect(again.status == 1, "\(again.output)")
        #expect(again.output.contains("exists already: move it away or choose another backup_dest"), "\(again.output)")
        #expect(sim.hostFiles() == before)
    }

    @Test("backup-node-host: /etc/origin and atomic-openshift-node, the table's files, the registry certificates (empty without certs.d) and packages.txt")
    func nodeHost() throws {
        let sim = try MasterSim()
        defer { sim.remove() }
        let host = "node-0.example.com"
        let result = sim.run("backup-node-host", ["host": host])
        #expect(result.status == 0, "\(result.output)")
        #expect(BackupRehearsalTests.listing(sim, host, "/backup").isEmpty, "the staging directory was left on the host")
        let dates = BackupRehearsalTests.listing(sim, Self.controller, "/backups/\(host)").filter { !$0.contains("/") }
        let date = try #require(dates.first)
        let base = "\(sim.sim)/hosts/\(Self.controller)/root/backups/\(host)/\(date)"
        let origin = try Self.command("/usr/bin/tar", ["-tzf", "etc-origin-sysconfig.tar.gz"], in: base)
        #expect(origin.status == 0)
        #expect(origin.stdout.contains("etc/origin/node/node-config.yaml\n"), "\(origin.stdout)")
        #expect(origin.stdout.contains("etc/sysconfig/atomic-openshift-node\n"), "\(origin.stdout)")
        #expect(!origin.stdout.contains("etc/sysconfig/docker\n"), "only the node's sysconfig file, as 4.2")
        let other = try Self.command("/usr/bin/tar", ["-tzf", "etc-other.tar.gz"], in: base)
        for path in ["etc/sysconfig/iptables", "etc/sysconfig/docker-storage-setup", "etc/sysconfig/flanneld", "etc/dnsmasq.conf"] {
            #expect(other.stdout.contains(path + "\n"), "\(other.stdout)")
        }
        let certs = try Self.command("/usr/bin/tar", ["-tzf", "docker-registry-certs-\(host)-\(date).tar.gz"], in: base)
        #expect(certs.status == 0 && certs.stdout.isEmpty, "no /etc/docker/certs.d on the node: an empty archive")
        #expect(try String(contentsOfFile: "\(base)/packages.txt", encoding: .utf8).contains("atomic-openshift-node-3.11.43"))
    }
}
