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

    /// A static pod runs while docker runs and either the node service runs with its manifest in
    /// /etc/origin/node/pods, or the node service was stopped while the pod ran (the containers
    /// keep running without their kubelet); never for etcd while an `etcd-pod-gone` fault names the host.
    public func staticPodRunning(_ host: String, _ component: String) -> Bool {
        guard reachable(host), serviceActive(host, "docker") else { return false }
        if component == "etcd", state.faults.contains(.etcdPodGone(host: host)) { return false }
        if serviceActive(host, "atomic-openshift-node") { return tree(host).exists(HostTree.manifest(component)) }
        return state.host(host)?.orphanedStaticPods?.contains(component) ?? false
    }

    /// The master components (`api`, `controllers`, `etcd`) whose static pods run on the host.
    public func runningStaticPods(_ host: String) -> [String] {
        ["api", "controllers", "etcd"].filter { staticPodRunning(host, $0) }
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

    /// The port a master's API server listens on: the port of `servingInfo.bindAddress` in its
    /// master-config.yaml (8443 when the file does not say).
    public func apiPort(_ host: String) -> String {
        guard let text = tree(host).read("/etc/origin/master/master-config.yaml") else { return "8443" }
        var inServing = false
        for line in text.split(separator: "\n") {
            if !line.hasPrefix(" ") { inServing = line.hasPrefix("servingInfo:") }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if inServing, trimmed.hasPrefix("bindAddress:"), let port = trimmed.split(separator: ":").last {
                return port.trimmingCharacters(in: .whitespaces)
            }
        }
        return "8443"
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
