/// The check a new etcd member makes against the running cluster before it joins
/// (etcd v3.2.22 etcdserver/server.go `NewServer`, case `!haveWAL && !cfg.NewCluster`, and
/// etcdserver/membership/cluster.go `ValidateClusterAndAssignIDs`): ETCD_INITIAL_CLUSTER must name
/// exactly the cluster's members by peer URL ("member count is unequal", "unmatched member while
/// checking PeerURLs"), or etcd exits.
extension ClusterView {
    /// True when the peer URLs of `initialCluster` (`NAME=URL,…`) are the current members' peer URLs.
    func initialClusterMatchesMembers(_ initialCluster: String) -> Bool {
        let urls = initialCluster.split(separator: ",").compactMap { entry -> String? in
            guard let eq = entry.firstIndex(of: "=") else { return nil }
            return String(entry[entry.index(after: eq)...])
        }
        return urls.count == state.etcdMembers.count && urls.sorted() == state.etcdMembers.map(\.peerURL).sorted()
    }
}
