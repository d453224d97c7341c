import Foundation

/// Membership changes shared by the v2 and v3 clients, with etcd's safety checks.
enum EtcdMembership {
    enum Failure: Error { case noQuorum, unhealthyCluster, notEnoughStarted, peerExists, notFound, badID }

    /// Adds an unstarted member; returns it.
    static func add(_ v: inout ClusterView, name: String, peerURL: String) throws(Failure) -> EtcdMember {
        let members = v.state.etcdMembers
        // etcd 3.2.22's strict reconfiguration check (etcdserver/server.go AddMember) comes before
        // the proposal: enough started members for quorum with the new one, except a one-member
        // cluster taking its second member (membership/cluster.go IsReadyToAddNewMember), and the
        // serving member connected to every member (isConnectedFullySince): one member down,
        // unhealthy or added but never started is enough to refuse - also without quorum.
        let started = members.filter(\.started).count
        guard started >= (members.count + 1) / 2 + 1 || (started == 1 && members.count == 1) else { throw .notEnoughStarted }
        guard members.allSatisfy(v.etcdMemberUp) else { throw .unhealthyCluster }
        guard v.etcdQuorum else { throw .noQuorum }
        guard !members.contains(where: { $0.peerURL == peerURL }) else { throw .peerExists }
        let hostPart = ClusterView.urlHost(peerURL)
        let host = v.state.hosts.first { $0.ip == hostPart || $0.name == hostPart }?.name ?? ""
        let member = EtcdMember(id: v.state.nextMemberID(), name: "", peerURL: peerURL, clientURL: "", host: host,
                                started: false)
        v.state.etcdMembers.append(member)
        _ = name
        return member
    }

    /// Removes a member by hex id.
    ///
    /// etcd 3.2.22's `mayRemoveMember` (etcdserver/server.go) before the proposal: the members
    /// that stay must have enough started ones for their quorum (IsReadyToRemoveMember:
    /// `not enough started members`), and removing a member that is up must leave an active
    /// quorum (`unhealthy cluster`); a member that is down may always be removed. The proposal
    /// then needs quorum (`request timed out`) and an existing id (`member not found`).
    static func remove(_ v: inout ClusterView, id: String) throws(Failure) {
        guard UInt64(id, radix: 16) != nil else { throw .badID }
        var rest = v.state.etcdMembers
        let removed = rest.firstIndex(where: { $0.id == id }).map { rest.remove(at: $0) }
        guard rest.filter(\.started).count >= rest.count / 2 + 1 else { throw .notEnoughStarted }
        // A running member is connected even when unhealthy; only healthy ones count as active.
        if let removed, v.etcdProcessRunning(removed), rest.filter(v.etcdMemberUp).count < rest.count / 2 + 1 { throw .unhealthyCluster }
        guard v.etcdQuorum else { throw .noQuorum }
        guard removed != nil else { throw .notFound }
        v.state.etcdMembers = rest
    }

    /// `ETCD_INITIAL_CLUSTER` after adding `name` at `peerURL`.
    static func initialCluster(_ v: ClusterView, adding name: String, peerURL: String) -> String {
        (v.state.etcdMembers.filter { $0.started && $0.peerURL != peerURL }.map { "\($0.name)=\($0.peerURL)" }
            + ["\(name)=\(peerURL)"]).joined(separator: ",")
    }

    /// v3's way out on a failure: the server's errors are `ExitError` (1), a malformed id is
    /// found before any request (`ExitBadArgs`, 128; member_command.go `memberRemoveCommandFunc`).
    static func v3Exit(_ c: ToolContext, _ f: Failure, id: String = "") -> ToolExit {
        c.etcdV3Exit(v3Text(f, id: id), f == .badID ? .badArgs : .error)
    }

    /// v3's message for a failure, as `ExitWithError` prints it after `Error:  `.
    static func v3Text(_ f: Failure, id: String = "") -> String {
        switch f {
        case .noQuorum: "etcdserver: request timed out"
        case .unhealthyCluster: "etcdserver: unhealthy cluster"
        case .notEnoughStarted: "etcdserver: re-configuration failed due to not enough started members"
        case .peerExists: "etcdserver: Peer URLs already exists"
        case .notFound: "etcdserver: member not found"
        case .badID: "bad member ID arg (strconv.ParseUint: parsing \"\(id)\": invalid syntax), expecting ID in Hex"
        }
    }
}
