import Foundation

/// etcdctl speaking the v2 API (the default of the etcd 3.2 client on OpenShift 3.11 hosts).
enum EtcdV2 {
    static func unavailable(_ s: EtcdSession) -> ToolExit {
        let list = s.endpoints.enumerated().map { "; error #\($0): dial tcp \(ClusterView.urlHost($1)):2379: getsockopt: connection refused" }
        return s.c.fail("Error:  client: etcd cluster is unavailable or misconfigured\(list.joined())\n\nerror #0: dial tcp: connection refused", code: 4)
    }

    static func run(_ s: EtcdSession) throws -> Int32 {
        let c = s.c
        let words = s.command()
        guard let first = words.first else {
            c.out("NAME:\n   etcdctl - A simple command line client for etcd.\n\nUSAGE:\n   etcdctl [global options] command [command options] [arguments...]\n")
            return 0
        }
        let sub = words.count > 1 ? words[1] : ""
        switch (first, sub) {
        case ("cluster-health", _): return try clusterHealth(s)
        case ("member", "list"):
            let v = try c.view()
            guard s.reachable(v) != nil else { throw unavailable(s) }
            let leader = v.etcdLeader?.id
            for m in v.state.etcdMembers {
                if m.started {
                    c.out("\(m.id): name=\(m.name) peerURLs=\(m.peerURL) clientURLs=\(m.clientURL) isLeader=\(m.id == leader)\n")
                } else {
                    c.out("\(m.id)[unstarted]: peerURLs=\(m.peerURL)\n")
                }
            }
            return 0
        case ("member", "add"):
            guard words.count == 4 else { throw c.fail("Provide a name and a single member peerURL", code: 1) }
            return try c.update { v in
                guard s.reachable(v) != nil else { throw unavailable(s) }
                do throws(EtcdMembership.Failure) {
                    let m = try EtcdMembership.add(&v, name: words[2], peerURL: words[3])
                    c.out("Added member named \(words[2]) with ID \(m.id) to cluster\n\n")
                    c.out("ETCD_NAME=\"\(words[2])\"\n")
                    c.out("ETCD_INITIAL_CLUSTER=\"\(EtcdMembership.initialCluster(v, adding: words[2], peerURL: words[3]))\"\n")
                    c.out("ETCD_INITIAL_CLUSTER_STATE=\"existing\"\n")
                    return 0
                } catch { throw c.fail(v2Message(error, id: words[2])) }
            }
        case ("member", "remove"):
            guard words.count == 3 else { throw c.fail("Provide a single member ID", code: 1) }
            return try c.update { v in
                guard s.reachable(v) != nil else { throw unavailable(s) }
                try checkRemovalID(c, v, words[2])
                do throws(EtcdMembership.Failure) {
                    try EtcdMembership.remove(&v, id: words[2])
                    c.out("Removed member \(words[2]) from cluster\n")
                    return 0
                } catch {
                    // actionMemberRemove prints the server's refusal after this prefix, without a newline.
                    c.err("Received an error trying to remove member \(words[2]): \(v2Message(error, id: words[2]))")
                    throw ToolExit(1)
                }
            }
        case ("member", "update"):
            guard words.count == 4 else { throw c.fail("Provide an ID and a list of comma separated peerURL (0xabcd http://example.com,http://example1.com)") }
            return try c.update { v in
                guard s.reachable(v) != nil else { throw unavailable(s) }
                guard let i = v.state.etcdMembers.firstIndex(where: { $0.id == words[2] }) else {
                    throw c.fail(v2Message(.notFound, id: words[2]))
                }
                v.state.etcdMembers[i].peerURL = words[3]
                c.out("Updated member with ID \(words[2]) in cluster\n")
                return 0
            }
        case ("backup", _):
            guard let data = s.args["data-dir"], let backup = s.args["backup-dir"] else {
                throw c.fail("Error: both --data-dir and --backup-dir are required")
            }
            try c.tree.write(backup + "/member/snap/db", c.tree.read(data + "/member/snap/db") ?? "simulated v2 backup\n")
            return 0
        default:
            throw c.fail("No help topic for '\(words.joined(separator: " "))'", code: 3)
        }
    }

    /// etcd 3.2.22's v2 `cluster-health` (etcdctl/ctlv2/command/cluster_health.go): it lists the
    /// members through any endpoint, asks each member's `/health`, and calls the cluster healthy as
    /// soon as one member answers healthy - with other members down and even without quorum.
    /// ("degraded"/"unavailable" came in 3.3.) A member answers healthy only while it is up and
    /// the cluster has a leader (its /health does a quorum read).
    static func clusterHealth(_ s: EtcdSession) throws -> Int32 {
        let c = s.c
        let v = try c.view()
        guard s.reachable(v) != nil || s.endpoints.contains(where: { v.member(forEndpoint: $0).map(v.etcdProcessRunning) ?? false }) else {
            c.out("cluster may be unhealthy: failed to list members\n")
            throw unavailable(s)
        }
        var anyHealthy = false
        for m in v.state.etcdMembers {
            if !m.started {
                c.out("member \(m.id) is unreachable: no available published client urls\n")
            } else if v.etcdMemberUp(m) && v.etcdQuorum {
                anyHealthy = true
                c.out("member \(m.id) is healthy: got healthy result from \(m.clientURL)\n")
            } else if v.etcdProcessRunning(m) {
                c.out("member \(m.id) is unhealthy: got unhealthy result from \(m.clientURL)\n")
            } else {
                // Each client URL that refuses the connection is reported before the verdict.
                c.out("failed to check the health of member \(m.id) on \(m.clientURL): Get \(m.clientURL)/health: "
                    + "dial tcp \(m.clientURL.components(separatedBy: "://").last ?? m.clientURL): getsockopt: connection refused\n")
                c.out("member \(m.id) is unreachable: [\(m.clientURL)] are all unreachable\n")
            }
        }
        if anyHealthy { c.out("cluster is healthy\n"); return 0 }
        c.out("cluster is unhealthy\n")
        return 5
    }

    /// etcd 3.2.22 ctlv2 `actionMemberRemove` lists the members before it asks for the removal:
    /// a member whose name was given gets a hint, and an id that is no member's ends the command.
    static func checkRemovalID(_ c: ToolContext, _ v: ClusterView, _ id: String) throws {
        for m in v.state.etcdMembers where m.name == id {
            c.err("Found a member named \(m.name); if this is correct, please use its ID, eg:\n\tetcdctl member remove \(m.id)\n"
                + "For more details, read the documentation at https://github.com/coreos/etcd/blob/master/Documentation/runtime-configuration.md#remove-a-member\n\n")
        }
        guard v.state.etcdMembers.contains(where: { $0.id == id }) else {
            throw c.fail("Couldn't find a member in the cluster with an ID of \(id).")
        }
    }

    static func v2Message(_ f: EtcdMembership.Failure, id: String) -> String {
        switch f {
        case .notFound, .badID: "Couldn't find a member in the cluster with an ID of \(id)."
        case .noQuorum: "client: etcd cluster is unavailable or misconfigured; error #0: client: endpoint timed out"
        case .unhealthyCluster: "client: etcd cluster is unavailable or misconfigured; error #0: etcdserver: unhealthy cluster"
        case .notEnoughStarted: "etcdserver: re-configuration failed due to not enough started members"
        case .peerExists: "membership: peerURL exists"
        }
    }
}
