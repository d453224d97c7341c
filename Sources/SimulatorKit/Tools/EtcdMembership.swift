import Foundation

/// Membership changes shared by the v2 and v3 clients, with etcd's safety checks.
enum EtcdMembership {
    enum Failure: Error { case noQuorum, unhealthyCluster, notEnoughStarted, peerExists, notFound, badID }

    /// Adds an unstarted member; returns it.
    static func add(_ v: inout ClusterView, name: String, peerURL: String) throws(Failure) -> EtcdMember {
        guard v.etcdQuorum else { throw .noQuorum }
        guard !v.state.etcdMembers.contains(where: { $0.peerURL == peerURL }) else { throw .peerExists }
        let up = v.state.etcdMembers.filter(v.etcdMemberUp).count
        // etcd 3.2.22's strict reconfiguration check (etcdserver/server.go AddMember): enough
        // started members for quorum with the new one (IsReadyToAddNewMember), and the serving
        // member connected to every member (isConnectedFullySince): one member down, unhealthy
        // or added but never started is enough to refuse.
        let started = v.state.etcdMembers.filter(\.started).count
        // ... except a one-member cluster (membership/cluster.go: "adding a new node to 1-member
        // cluster for restoring cluster data").
        let restoring = started == 1 && v.state.etcdMembers.count == 1
        guard restoring || started >= (v.state.etcdMembers.count + 1) / 2 + 1 else { throw .notEnoughStarted }
        guard up == v.state.etcdMembers.count else { throw .unhealthyCluster }
        let hostPart = ClusterView.urlHost(peerURL)
        let host = v.state.hosts.first { $0.ip == hostPart || $0.name == hostPart }?.name ?? ""
        let member = EtcdMember(id: v.state.nextMemberID(), name: "", peerURL: peerURL, clientURL: "", host: host,
                                started: false)
        v.state.etcdMembers.append(member)
        _ = name
        return member
    }

    /// Removes a member by hex id.
    static func remove(_ v: inout ClusterView, id: String) throws(Failure) {
        guard UInt64(id, radix: 16) != nil else { throw .badID }
        guard v.etcdQuorum else { throw .noQuorum }
        guard let i = v.state.etcdMembers.firstIndex(where: { $0.id == id }) else { throw .notFound }
        var rest = v.state.etcdMembers
        let removed = rest.remove(at: i)
        let upAfter = rest.filter(v.etcdMemberUp).count
        if v.etcdMemberUp(removed), upAfter < rest.count / 2 + 1 { throw .notEnoughStarted }
        v.state.etcdMembers = rest
    }

    /// `ETCD_INITIAL_CLUSTER` after adding `name` at `peerURL`.
    static func initialCluster(_ v: ClusterView, adding name: String, peerURL: String) -> String {
        (v.state.etcdMembers.filter { $0.started && $0.peerURL != peerURL }.map { "\($0.name)=\($0.peerURL)" }
            + ["\(name)=\(peerURL)"]).joined(separator: ",")
    }

    /// v3 wording of a failure.
    static func v3Message(_ f: Failure, id: String = "") -> String {
        switch f {
        case .noQuorum: "Error: etcdserver: request timed out"
        case .unhealthyCluster: "Error: etcdserver: unhealthy cluster"
        case .notEnoughStarted: "Error: etcdserver: re-configuration failed due to not enough started members"
        case .peerExists: "Error: etcdserver: Peer URLs already exists"
        case .notFound: "Error: etcdserver: member not found"
        case .badID: "Error: bad member ID arg (strconv.ParseUint: parsing \"\(id)\": invalid syntax), expecting ID in Hex"
        }
    }
}
