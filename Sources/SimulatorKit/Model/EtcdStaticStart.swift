import Foundation

/// What an etcd process does when it starts from its data directory, for the cases only the
/// files decide (the static pod on a master comes back when its manifest is moved back; the
/// `etcd` unit's start is `SystemctlTool.start`):
/// - a data directory written by `snapshot restore` starts the restored cluster: its members,
///   cluster id and the keyspace as of the snapshot (etcd 3.2.22 etcdserver/server.go NewServer,
///   `haveWAL` with the restored snap);
/// - a member added with `member add` joins when its data directory has no member yet and its
///   etcd.conf says `existing` with itself in ETCD_INITIAL_CLUSTER, which names exactly the
///   cluster's members (as the unit's start checks; `initialClusterMatchesMembers`).
extension ClusterView {
    /// The hosts whose etcd process runs and whose data directory holds a start still to happen.
    func pendingEtcdStarts() -> [String] {
        // With real members the real etcd decides (`EtcdSupervisor`).
        guard !RealEtcd(simDirectory: simDirectory).isEnabled else { return [] }
        return etcdCandidateHosts().filter { h in
            guard staticPodRunning(h, "etcd") || serviceActive(h, "etcd") else { return false }
            if restoredSnap(h) != nil { return true }
            return staticPodRunning(h, "etcd") && state.etcdMembers.contains { $0.host == h && !$0.started }
        }
    }

    /// Applies every pending start (called under the state lock).
    mutating func applyEtcdStarts() {
        for h in pendingEtcdStarts() {
            if let snap = restoredSnap(h) { startRestored(h, snap) } else { joinStatic(h) }
        }
    }

    private func etcdCandidateHosts() -> [String] {
        var hosts = state.groups["etcd"] ?? []
        for m in state.etcdMembers where !hosts.contains(m.host) { hosts.append(m.host) }
        return hosts
    }

    private func dataDir(_ h: String) -> String {
        EtcdSnapshot.dir(tree(h).variables("/etc/etcd/etcd.conf")["ETCD_DATA_DIR"] ?? "/var/lib/etcd/")
    }

    /// The raft snapshot `snapshot restore` wrote, while the member has not started from it.
    private func restoredSnap(_ h: String) -> String? {
        let snapDir = dataDir(h) + "member/snap/"
        guard let file = tree(h).list(snapDir).first(where: { $0.hasSuffix(".snap") }) else { return nil }
        return snapDir + file
    }

    private mutating func startRestored(_ h: String, _ snapPath: String) {
        let t = tree(h)
        let lines = (t.read(snapPath) ?? "").split(separator: "\n").map(String.init)
        func value(_ key: String) -> String? { lines.first { $0.hasPrefix(key + ": ") }.map { String($0.dropFirst(key.count + 2)) } }
        let members = lines.filter { $0.hasPrefix("member: ") }.map { $0.dropFirst(8).split(separator: " ").map(String.init) }
            .filter { $0.count == 3 }
        guard let name = value("name"), let clusterID = value("cluster-id"), !members.isEmpty else { return }
        let client = t.variables("/etc/etcd/etcd.conf")["ETCD_ADVERTISE_CLIENT_URLS"] ?? "https://\(state.host(h)?.ip ?? h):2379"
        if state.etcdClusterID != clusterID {
            // The first member of the restored cluster: the cluster is the restored one now, with
            // the data as of the snapshot. The old members are not part of it.
            guard let body = t.read(dataDir(h) + "member/snap/db"), let content = EtcdSnapshot.parse(body) else { return }
            state.etcdClusterID = clusterID
            state.etcdData = content.data
            state.etcdRevision = content.revision
            state.etcdMembers = members.map { m in
                let hostPart = ClusterView.urlHost(m[2])
                let owner = state.hosts.first { $0.ip == hostPart || $0.name == hostPart }?.name ?? ""
                return EtcdMember(id: m[0], name: "", peerURL: m[2], clientURL: "", host: owner, started: false)
            }
        }
        if let i = state.etcdMembers.firstIndex(where: { $0.host == h && members.contains([$0.id, name, $0.peerURL]) }) {
            state.etcdMembers[i].started = true
            state.etcdMembers[i].name = name
            state.etcdMembers[i].clientURL = client
        }
        // From now on the data directory is an ordinary member's.
        try? FileManager.default.removeItem(atPath: t.real(snapPath))
    }

    private mutating func joinStatic(_ h: String) {
        let t = tree(h)
        let conf = t.variables("/etc/etcd/etcd.conf")
        guard let peer = conf["ETCD_INITIAL_ADVERTISE_PEER_URLS"], let name = conf["ETCD_NAME"], let client = conf["ETCD_ADVERTISE_CLIENT_URLS"],
              let m = state.etcdMembers.firstIndex(where: { $0.peerURL == peer && $0.host == h && !$0.started }),
              !t.exists(dataDir(h) + "member"), conf["ETCD_INITIAL_CLUSTER_STATE"] == "existing",
              (conf["ETCD_INITIAL_CLUSTER"] ?? "").split(separator: ",").contains(Substring("\(name)=\(peer)")),
              initialClusterMatchesMembers(conf["ETCD_INITIAL_CLUSTER"] ?? "") else { return }
        state.etcdMembers[m].started = true
        state.etcdMembers[m].name = name
        state.etcdMembers[m].clientURL = client
        // The joined member's data directory holds its member now.
        try? t.makeDirectory(dataDir(h) + "member/snap")
        try? t.write(dataDir(h) + "member/snap/db", "simulated etcd database of \(h)\n")
    }
}
