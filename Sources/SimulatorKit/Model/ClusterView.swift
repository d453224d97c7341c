import Foundation

/// The state together with the host file trees: answers the questions whose truth depends on
/// both (is this static pod running? does etcd have quorum? is the API up?).
public struct ClusterView {
    /// The model.
    public var state: ClusterState
    /// The simulator directory.
    public let simDirectory: String

    /// Creates a value with every field given.
    public init(state: ClusterState, simDirectory: String) {
        self.state = state
        self.simDirectory = simDirectory
    }

    /// The file tree of a host.
    public func tree(_ host: String) -> HostTree { HostTree(simDirectory: simDirectory, host: host) }

    /// False while an `unreachable` fault names the host.
    public func reachable(_ host: String) -> Bool { !state.faults.contains(.unreachable(host: host)) }

    /// True when the unit is active on the host.
    public func serviceActive(_ host: String, _ unit: String) -> Bool {
        state.host(host)?.services[unit]?.active ?? false
    }

    /// A static pod runs while its manifest is in /etc/origin/node/pods and docker and the node service run.
    public func staticPodRunning(_ host: String, _ component: String) -> Bool {
        reachable(host) && serviceActive(host, "docker") && serviceActive(host, "atomic-openshift-node")
            && tree(host).exists(HostTree.manifest(component))
    }

    /// Ready: reachable with docker and the node service running.
    public func nodeReady(_ name: String) -> Bool {
        reachable(name) && serviceActive(name, "docker") && serviceActive(name, "atomic-openshift-node")
    }

    /// The etcd process of a member runs (static pod on a master, or the `etcd` unit elsewhere).
    public func etcdProcessRunning(_ member: EtcdMember) -> Bool {
        guard member.started, reachable(member.host) else { return false }
        return staticPodRunning(member.host, "etcd") || serviceActive(member.host, "etcd")
    }

    /// Running and not made unhealthy by a fault: counts toward quorum.
    public func etcdMemberUp(_ member: EtcdMember) -> Bool {
        etcdProcessRunning(member) && !state.faults.contains(.unhealthyEtcd(host: member.host))
    }

    /// More than half of the members (started or not) are up.
    public var etcdQuorum: Bool {
        let up = state.etcdMembers.filter(etcdMemberUp).count
        return up > state.etcdMembers.count / 2
    }

    /// The leader: the first member that is up, while there is quorum.
    public var etcdLeader: EtcdMember? {
        etcdQuorum ? state.etcdMembers.first(where: etcdMemberUp) : nil
    }

    /// Masters whose API server is serving.
    public var servingMasters: [String] {
        (state.groups["masters"] ?? []).filter { staticPodRunning($0, "api") && !(state.host($0)?.apiFailed ?? false) }
    }

    /// Why the API cannot answer, or nil when it can.
    public var apiUnavailableReason: String? {
        if servingMasters.isEmpty {
            return "The connection to the server master.example.com:8443 was refused - did you specify the right host or port?"
        }
        if !etcdQuorum { return "Error from server: etcdserver: request timed out" }
        return nil
    }

    /// The member whose client or peer URL, host name or IP matches an endpoint URL.
    public func member(forEndpoint endpoint: String) -> EtcdMember? {
        let hostPart = Self.urlHost(endpoint)
        return state.etcdMembers.first { m in
            if m.clientURL == endpoint || m.peerURL == endpoint { return true }
            if hostPart == m.host { return true }
            return state.host(m.host)?.ip == hostPart
        }
    }

    /// The host name or address inside `https://host:port`.
    public static func urlHost(_ url: String) -> String {
        var s = Substring(url)
        if let r = s.range(of: "://") { s = s[r.upperBound...] }
        if let slash = s.firstIndex(of: "/") { s = s[..<slash] }
        if let colon = s.lastIndex(of: ":") { s = s[..<colon] }
        return String(s)
    }
}
