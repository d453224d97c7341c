import Foundation
import Testing
@testable import SimulatorKit

/// etcd v3 keys, `snapshot save` and `snapshot restore` as etcd 3.2.22 does them, and a member
/// started from restored data (restore-etcd, issue 16).
@Suite("etcd snapshot restore")
struct EtcdRestoreTests {
    let v3 = ["ETCDCTL_API": "3"]
    let m0 = "master-0.example.com", m1 = "master-1.example.com", m2 = "master-2.example.com"

    /// The restore of the guide's static pod case on master-0 (one-member cluster).
    func restoreArgs(_ file: String, dataDir: String = "/var/lib/etcd/", extra: [String] = []) -> [String] {
        ["snapshot", "restore", file, "--data-dir", dataDir, "--name", m0, "--initial-cluster", "\(m0)=https://192.168.55.8:2380",
         "--initial-cluster-token", "etcd-cluster-1", "--initial-advertise-peer-urls", "https://192.168.55.8:2380"] + extra
    }

    func move(_ f: SimFixture, _ host: String, _ from: String, _ to: String) throws {
        try FileManager.default.moveItem(atPath: f.tree(host).real(from), toPath: f.tree(host).real(to))
    }

    /// Stops etcd everywhere and moves every member's data aside, as the guide does.
    func stopAll(_ f: SimFixture) throws {
        for h in [m0, m1, m2] {
            try f.disable("etcd", on: h)
            try move(f, h, "/var/lib/etcd", "/var/lib/etcd.old")
        }
    }

    func start(_ f: SimFixture, _ host: String) throws {
        try move(f, host, "/etc/origin/node/pods-stopped/etcd.yaml", "/etc/origin/node/pods/etcd.yaml")
    }

    /// etcd.conf of a joining member: the cluster with it, state existing.
    func joinConf(_ f: SimFixture, _ host: String) throws {
        let conf = try #require(f.tree(host).read("/etc/etcd/etcd.conf"))
        let lines = conf.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            if line.hasPrefix("ETCD_INITIAL_CLUSTER=") { return "ETCD_INITIAL_CLUSTER=\(m0)=https://192.168.55.8:2380,\(m1)=https://192.168.55.12:2380" }
            if line.hasPrefix("ETCD_INITIAL_CLUSTER_STATE=") { return "ETCD_INITIAL_CLUSTER_STATE=existing" }
            return String(line)
        }
        try f.tree(host).write("/etc/etcd/etcd.conf", lines.joined(separator: "\n"))
    }

    @Test("put and get keep keys and bump the revision; snapshot save records them with a hash")
    func putGetSave() throws {
        let f = try SimFixture()
        defer { f.remove() }
        #expect(try f.run("etcdctl3", ["put", "/restore-test", "before"]).stdout == "OK\n")
        #expect(try f.run("etcdctl3", ["get", "/restore-test"]).stdout == "/restore-test\nbefore\n")
        #expect(try f.run("etcdctl3", ["get", "/missing"]).stdout == "")
        #expect(try f.state().etcdRevision == 2)
        #expect(try f.run("etcdctl3", ["snapshot", "save", "/backup/snapshot.db"]).status == 0)
        let text = try #require(f.tree(m0).read("/backup/snapshot.db"))
        #expect(text.contains("\nrevision: 2\n"))
        #expect(text.contains("\nhash: "))
    }

    @Test("a restore refuses an existing data dir, a corrupt snapshot, a missing hash and a name not in the cluster")
    func refusals() throws {
        let f = try SimFixture()
        defer { f.remove() }
        try f.run("etcdctl3", ["snapshot", "save", "/backup/snapshot.db"])
        let exists = try f.run("etcdctl", restoreArgs("/backup/snapshot.db"), env: v3)
        #expect(exists.status == 3)
        #expect(exists.stderr == "Error:  data-dir \"/var/lib/etcd/\" exists\n")

        let name = try f.run("etcdctl", ["snapshot", "restore", "/backup/snapshot.db", "--data-dir", "/tmp/x", "--name", "other",
                                         "--initial-cluster", "\(m0)=https://192.168.55.8:2380"], env: v3)
        #expect(name.status == 128)
        #expect(name.stderr == "Error:  couldn't find local name \"other\" in the initial cluster configuration\n")

        // A corrupt snapshot: 3.2.22 copies the db first, so the data dir is left behind.
        let text = try #require(f.tree(m0).read("/backup/snapshot.db"))
        try f.tree(m0).write("/backup/corrupt.db", text.replacingOccurrences(of: "revision: 1", with: "revision: 9"))
        let corrupt = try f.run("etcdctl", restoreArgs("/backup/corrupt.db", dataDir: "/var/lib/etcd-new"), env: v3)
        #expect(corrupt.status == 3)
        #expect(corrupt.stderr.hasPrefix("Error:  expected sha256 "))
        #expect(f.tree(m0).exists("/var/lib/etcd-new/member/snap/db"))
        #expect(!f.tree(m0).exists("/var/lib/etcd-new/member/wal"))

        // A db copied out of a data directory has no hash: refused unless --skip-hash-check.
        let body = String(text[..<text.range(of: "hash: ")!.lowerBound])
        try f.tree(m0).write("/backup/copied.db", body)
        let missing = try f.run("etcdctl", restoreArgs("/backup/copied.db", dataDir: "/var/lib/etcd-a"), env: v3)
        #expect(missing.status == 128)
        #expect(missing.stderr == "Error:  snapshot missing hash but --skip-hash-check=false\n")
        let skipped = try f.run("etcdctl", restoreArgs("/backup/copied.db", dataDir: "/var/lib/etcd-b", extra: ["--skip-hash-check=true"]), env: v3)
        #expect(skipped.status == 0)
        #expect(f.tree(m0).exists("/var/lib/etcd-b/member/wal"))
        // Nothing started from these directories: the cluster is as it was.
        #expect(try f.state().etcdMembers.map(\.name) == [m0, m1, m2])
    }

    @Test("the restored member starts a one-member cluster with the data as of the snapshot; the others join one at a time")
    func restoreRollsBackAndRejoins() throws {
        let f = try SimFixture()
        defer { f.remove() }
        try f.run("etcdctl3", ["put", "/restore-test", "before"])
        try f.run("etcdctl3", ["snapshot", "save", "/backup/snapshot.db"])
        try f.run("etcdctl3", ["put", "/restore-test", "after"])
        try f.run("etcdctl3", ["put", "/written-after", "x"])
        try stopAll(f)
        let restore = try f.run("etcdctl", restoreArgs("/backup/snapshot.db"), env: v3)
        #expect(restore.status == 0)
        #expect(restore.stderr.hasPrefix("I | mvcc: restore compact to 2\nI | etcdserver/membership: added member "))
        // Not started yet: the old cluster is still the model's.
        #expect(try f.state().etcdMembers.count == 3)
        try start(f, m0)
        #expect(try f.run("etcdctl3", ["get", "/restore-test"]).stdout == "/restore-test\nbefore\n")
        #expect(try f.run("etcdctl3", ["get", "/written-after"]).stdout == "")
        let members = try f.state().etcdMembers
        #expect(members.map(\.name) == [m0])
        #expect(members.first?.started == true)
        #expect(try f.state().etcdClusterID != "8c4281cc65c7b112")

        // A one-member cluster accepts one new member (membership/cluster.go's restore case).
        let add = try f.run("etcdctl", ["--endpoints=https://\(m0):2379", "member", "add", m1, "--peer-urls=https://192.168.55.12:2380"],
                            on: m1, env: v3)
        #expect(add.status == 0)
        #expect(add.stdout.contains("ETCD_INITIAL_CLUSTER=\"\(m0)=https://192.168.55.8:2380,\(m1)=https://192.168.55.12:2380\""))
        // Without quorum until it starts; it starts from an empty data dir with state existing.
        #expect(try f.view().etcdQuorum == false)
        try joinConf(f, m1)
        try start(f, m1)
        let list = try f.run("etcdctl3", ["member", "list"], on: m1)
        #expect(list.stdout.contains(", started, \(m1), https://192.168.55.12:2380, https://192.168.55.12:2379"))
        #expect(try f.view().etcdQuorum)
        #expect(try f.run("etcdctl3", ["get", "/restore-test"], on: m1).stdout == "/restore-test\nbefore\n")
    }

    @Test("a member whose old data directory is still in place does not join the restored cluster")
    func staleMemberStaysOut() throws {
        let f = try SimFixture()
        defer { f.remove() }
        try f.run("etcdctl3", ["snapshot", "save", "/backup/snapshot.db"])
        try stopAll(f)
        #expect(try f.run("etcdctl", restoreArgs("/backup/snapshot.db"), env: v3).status == 0)
        try start(f, m0)
        try f.run("etcdctl", ["--endpoints=https://\(m0):2379", "member", "add", m1, "--peer-urls=https://192.168.55.12:2380"], on: m1, env: v3)
        try joinConf(f, m1)
        try move(f, m1, "/var/lib/etcd.old", "/var/lib/etcd")
        try start(f, m1)
        #expect(try f.run("etcdctl3", ["member", "list"]).stdout.contains(", unstarted, "))
        #expect(try f.state().etcdMembers.filter(\.started).map(\.name) == [m0])
    }
}
