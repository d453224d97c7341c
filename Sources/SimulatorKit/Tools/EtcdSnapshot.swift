import Foundation

/// etcd v3 keys (`put`, `get`) and snapshots (`snapshot save`, `snapshot restore`) as etcd 3.2.22
/// does them (etcdctl/ctlv3/command/put_command.go, get_command.go, snapshot_command.go).
///
/// The simulated keyspace holds only keys written with `put` (OpenShift's own objects are not
/// modelled); every write bumps the revision. A snapshot file records the keyspace and revision
/// of the moment it was taken, followed by an integrity hash, so a restore really brings the
/// data back to that moment.
enum EtcdSnapshot {
    static let header = "simulated etcd v3 snapshot of cluster "
    static let hashPrefix = "hash: "
    /// The raft snapshot file `snapshot restore` writes next to the db
    /// (`member/snap/<term>-<index>.snap`, term 1 and index = the number of members).
    static func snapFile(_ dataDir: String, members: Int) -> String {
        dir(dataDir) + "member/snap/" + String(format: "%016llx-%016llx.snap", UInt64(1), UInt64(members))
    }

    static func dir(_ d: String) -> String { d.hasSuffix("/") ? d : d + "/" }

    // MARK: keys

    static func put(_ s: EtcdSession, _ words: [String]) throws -> Int32 {
        let c = s.c
        // 3.2.22 getPutOp: argument errors are ExitBadArgs (128). `put KEY` reading the value from
        // stdin is not simulated (refused like a missing value: the stricter side).
        guard words.count == 3 else { throw c.etcdV3Exit("put command needs 1 argument and input from stdin or 2 arguments.", .badArgs) }
        return try c.update { v in
            guard s.reachable(v) != nil else { throw c.etcdV3Exit("context deadline exceeded", .badConnection) }
            guard v.etcdQuorum else { throw c.etcdV3Exit("etcdserver: request timed out") }
            var data = v.state.etcdData ?? [:]
            data[words[1]] = words[2]
            v.state.etcdData = data
            v.state.etcdRevision = (v.state.etcdRevision ?? 1) + 1
            c.out("OK\n")
            return 0
        }
    }

    static func get(_ s: EtcdSession, _ words: [String]) throws -> Int32 {
        let c = s.c
        // 3.2.22 getGetOp: no key is ExitBadArgs (128); a range (`get KEY END`) is not simulated.
        guard words.count >= 2 else { throw c.etcdV3Exit("range command needs arguments.", .badArgs) }
        guard words.count == 2 else { throw c.fail("simulator: etcdctl get with a range end is not simulated", code: 128) }
        let v = try c.view()
        guard s.reachable(v) != nil else { throw c.etcdV3Exit("context deadline exceeded", .badConnection) }
        guard v.etcdQuorum else { throw c.etcdV3Exit("etcdserver: request timed out") }
        if let value = v.state.etcdData?[words[1]] { c.out("\(words[1])\n\(value)\n") }
        return 0
    }

    // MARK: snapshot save

    /// The file `snapshot save` writes: the keyspace and revision, then the integrity hash.
    static func file(_ state: ClusterState) -> String {
        let body = body(clusterID: state.etcdClusterID, members: state.etcdMembers.map(\.id),
                        revision: state.etcdRevision ?? 1, data: state.etcdData ?? [:])
        return body + hashPrefix + hash(body) + "\n"
    }

    static func body(clusterID: String, members: [String], revision: Int, data: [String: String]) -> String {
        var out = header + clusterID + "\nmembers: " + members.joined(separator: ",") + "\nrevision: \(revision)\n"
        for (k, value) in data.sorted(by: { $0.key < $1.key }) {
            out += "key: " + Data(k.utf8).base64EncodedString() + " " + Data(value.utf8).base64EncodedString() + "\n"
        }
        return out
    }

    /// The snapshot's integrity hash (real etcd appends a sha256 of the db; the simulator a
    /// 64-bit FNV-1a of the body: the same check, a weaker hash).
    static func hash(_ text: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        return String(format: "%016llx", h)
    }

    /// Revision and keys of a snapshot body, or nil when the text is not one.
    static func parse(_ body: String) -> (revision: Int, data: [String: String])? {
        guard body.hasPrefix(header) else { return nil }
        var revision: Int?
        var data: [String: String] = [:]
        for line in body.split(separator: "\n") {
            if line.hasPrefix("revision: ") { revision = Int(line.dropFirst(10)) }
            if line.hasPrefix("key: ") {
                let parts = line.dropFirst(5).split(separator: " ")
                guard parts.count == 2, let k = Data(base64Encoded: String(parts[0])), let value = Data(base64Encoded: String(parts[1])) else {
                    return nil
                }
                data[String(decoding: k, as: UTF8.self)] = String(decoding: value, as: UTF8.self)
            }
        }
        return revision.map { ($0, data) }
    }

    // MARK: snapshot restore

    /// `snapshot restore FILE`: a local command (no endpoint), 3.2.22's checks in its order:
    /// the initial cluster names this member at its advertised peer URLs, the data dir does not
    /// exist, the snapshot's hash matches (or `--skip-hash-check`). Writes `member/snap/db`
    /// (the data as of the snapshot), the raft snapshot with the new cluster and a WAL.
    static func restore(_ s: EtcdSession, _ words: [String]) throws -> Int32 {
        let c = s.c
        func fail(_ message: String, _ code: EtcdV3Exit) -> ToolExit { c.etcdV3Exit(message, code) }
        guard words.count == 3 else { throw fail("snapshot restore requires exactly one argument", .badArgs) }
        let name = s.args["name"] ?? "default"
        let token = s.args["initial-cluster-token"] ?? "etcd-cluster"
        let peers = (s.args["initial-advertise-peer-urls"] ?? "http://localhost:2380").split(separator: ",").map(String.init)
        var cluster: [(name: String, url: String)] = []
        for entry in (s.args["initial-cluster"] ?? "\(name)=http://localhost:2380").split(separator: ",") {
            guard let eq = entry.firstIndex(of: "=") else { throw fail("URLsMap: missing '=' in \(entry)", .badArgs) }
            cluster.append((String(entry[..<eq]), String(entry[entry.index(after: eq)...])))
        }
        let mine = cluster.filter { $0.name == name }.map(\.url)
        guard !mine.isEmpty else { throw fail("couldn't find local name \"\(name)\" in the initial cluster configuration", .badArgs) }
        guard mine.sorted() == peers.sorted() else {
            throw fail("--initial-cluster must include \(name)=\(peers.joined(separator: ",")) given --initial-advertise-peer-urls=\(peers.joined(separator: ","))", .badArgs)
        }
        guard Set(cluster.map(\.url)).count == cluster.count else {
            throw fail("initial cluster \(cluster.map { "\($0.name)=\($0.url)" }.joined(separator: ",")) has duplicate url", .badArgs)
        }
        let dataDir = s.args["data-dir"] ?? name + ".etcd"
        let absolute = dataDir.hasPrefix("/") ? dataDir : "/root/" + dataDir
        guard !c.tree.exists(absolute) else { throw fail("data-dir \"\(dataDir)\" exists", .invalidInput) }
        let file = words[2].hasPrefix("/") ? words[2] : "/root/" + words[2]
        guard let text = c.tree.read(file) else { throw fail("open \(words[2]): no such file or directory", .invalidInput) }
        var body = text
        var stored: String?
        if let r = text.range(of: "\n" + hashPrefix, options: .backwards) {
            body = String(text[..<r.lowerBound]) + "\n"
            stored = String(text[r.upperBound...]).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        // makeDB copies the db into member/snap before it checks the hash: a failed check
        // leaves the data dir behind (a second try then fails with "exists").
        try c.tree.makeDirectory(dir(absolute) + "member/snap")
        try c.tree.write(dir(absolute) + "member/snap/db", body)
        let skip = s.args.flag("skip-hash-check")
        if stored == nil, !skip { throw fail("snapshot missing hash but --skip-hash-check=false", .badArgs) }
        if let stored, !skip, stored != hash(body) { throw fail("expected sha256 \(stored), got \(hash(body))", .invalidInput) }
        // Stricter than etcd where the simulator cannot know the data: a db that is not a
        // simulated snapshot (the bolt file of `sim init`'s members) is refused.
        guard let content = parse(body) else { throw fail("simulator: \(words[2]) is not a snapshot the simulator wrote (its data is unknown)", .invalidInput) }
        let ids = cluster.map { memberID(peerURL: $0.url, token: token) }
        let clusterID = Self.clusterID(ids)
        try c.tree.makeDirectory(dir(absolute) + "member/wal")
        try c.tree.write(dir(absolute) + "member/wal/0000000000000000-0000000000000000.wal", "simulated WAL of member \(name)\n")
        var snap = "name: \(name)\ntoken: \(token)\ncluster-id: \(clusterID)\n"
        for (i, m) in cluster.enumerated() { snap += "member: \(ids[i]) \(m.name) \(m.url)\n" }
        try c.tree.write(snapFile(absolute, members: cluster.count), snap)
        c.err("I | mvcc: restore compact to \(content.revision)\n")
        for (i, m) in cluster.enumerated() {
            c.err("I | etcdserver/membership: added member \(ids[i]) [\(m.url)] to cluster \(clusterID)\n")
        }
        return 0
    }

    /// A member id derived from its peer URL and the cluster token (etcd hashes the same inputs
    /// with sha1; the simulator with FNV-1a).
    static func memberID(peerURL: String, token: String) -> String { hash(peerURL + token) }
    static func clusterID(_ ids: [String]) -> String { hash(ids.sorted().joined()) }
}
