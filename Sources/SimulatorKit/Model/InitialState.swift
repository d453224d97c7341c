import Foundation

extension ClusterState {
    /// A healthy cluster shaped like the description: etcd on the masters, router and registry on
    /// the infra nodes (the registry on emptyDir), a few applications on the app nodes.
    public static func initial(_ d: ClusterDescription) -> ClusterState {
        let masters = d.hosts("masters").map(\.name), infra = d.hosts("infra").map(\.name)
        let app = d.hosts("app").map(\.name), lb = d.hosts("lb").map(\.name), newEtcd = d.hosts("new_etcd").map(\.name)
        var state = ClusterState(
            hosts: [], nodes: [], pods: [], controllers: [], daemonSets: [], etcdMembers: [],
            storageClasses: ["glusterfs-storage (default)"],
            groups: ["masters": masters, "etcd": masters, "infra": infra, "app": app, "lb": lb, "new_etcd": newEtcd,
                     "nodes": masters + infra + app, "OSEv3": d.hosts.map(\.name)],
            faults: [], sequence: 0, etcdClusterID: "8c4281cc65c7b112")
        let knownIDs = ["40bef1f6c79b3163", "2a371dd20f21ca8d", "95dc17ffcce8ee29"]
        for h in d.hosts {
            let isNode = ["masters", "infra", "app"].contains(h.role)
            var services: [String: ServiceState] = [
                "docker": ServiceState(active: true, enabled: true),
                "flanneld": ServiceState(active: false, enabled: false),
                "iptables": ServiceState(active: true, enabled: true),
                "chronyd": ServiceState(active: true, enabled: true),
            ]
            if isNode { services["atomic-openshift-node"] = ServiceState(active: true, enabled: true) }
            if h.role == "lb" { services["haproxy"] = ServiceState(active: true, enabled: true) }
            // The etcd rpm on the masters (etcdctl for the static pod) ships etcd.service, unused.
            if h.role == "masters" { services["etcd"] = ServiceState(active: false, enabled: false) }
            var disks = ["/dev/vda": 40960, "/dev/vdb": d.dockerDiskMiB]
            if h.role == "app", d.spareDiskMiB > 0 { disks["/dev/vdc"] = d.spareDiskMiB }
            var packages = Self.basePackages
            if isNode { packages += Self.nodePackages }
            if h.role == "masters" { packages += Self.masterPackages }
            if h.role == "lb" { packages += Self.lbPackages }
            let storage = DockerStorage(driver: d.storageDriver, volumeGroup: "docker-vg", logicalVolume: "docker-pool",
                                        physicalVolumes: ["/dev/vdb1": d.dockerDiskMiB - 4],
                                        lvSizeMiB: d.dockerLVMiB, fsSizeMiB: d.dockerLVMiB)
            state.hosts.append(SimHost(name: h.name, ip: h.ip, services: services, storage: storage, packages: packages.sorted(),
                                       disks: disks, haproxyBackends: [], apiFailed: false, project: "default"))
            if isNode { state.nodes.append(registeredNode(h.name, role: h.role == "masters" ? "master" : h.role == "infra" ? "infra" : "compute")) }
            if h.role == "masters" {
                let i = state.etcdMembers.count
                let id = i < knownIDs.count ? knownIDs[i] : state.nextMemberID()
                state.etcdMembers.append(EtcdMember(id: id, name: h.name, peerURL: "https://\(h.ip):2380",
                                                    clientURL: "https://\(h.ip):2379", host: h.name, started: true))
            }
        }
        if let lbHost = lb.first, let i = state.hostIndex(lbHost) {
            state.hosts[i].haproxyBackends = masters.compactMap { m in state.host(m).map { "\(m) \($0.ip):8443" } }
        }
        state.daemonSets = [SimDaemonSet(name: "sdn", namespace: "openshift-sdn")]
        state.controllers = [
            SimController(name: "router", namespace: "default", revision: 1, replicas: infra.count, nodeRole: "infra",
                          hostPort: true, localData: false),
            // No persistent registry storage configured: emptyDir, as in the guide's 5.3.1 example.
            SimController(name: "docker-registry", namespace: "default", revision: 1, replicas: infra.count, nodeRole: "infra",
                          hostPort: false, localData: true),
            SimController(name: "frontend", namespace: "myapp", revision: 1, replicas: app.count, nodeRole: "compute",
                          hostPort: false, localData: false),
            SimController(name: "cache", namespace: "myapp", revision: 1, replicas: app.isEmpty ? 0 : 1, nodeRole: "compute",
                          hostPort: false, localData: false),
        ]
        return state
    }
}

extension ClusterState {
    /// The node object a host's node service registers (`master`, `infra` or `compute`).
    static func registeredNode(_ name: String, role: String) -> SimNode {
        var labels = ["kubernetes.io/hostname": name, "node-role.kubernetes.io/\(role)": "true"]
        if role == "infra" { labels["region"] = "infra" } else if role == "compute" { labels["region"] = "primary" }
        return SimNode(name: name, roles: [role], schedulable: true, labels: labels, maxPods: 10)
    }

    /// The role a host's inventory groups give its node.
    func nodeRole(of host: String) -> String {
        if (groups["masters"] ?? []).contains(host) { return "master" }
        return (groups["infra"] ?? []).contains(host) ? "infra" : "compute"
    }
}

extension ClusterState {
    /// The rpm packages every host starts with (`rpm -qa`), and those of nodes, masters and the
    /// load balancer on top. The same versions are what `yum install NAME-VERSION-RELEASE.ARCH`
    /// finds in the simulated repositories.
    static let basePackages = ["bash-4.2.46-31.el7.x86_64", "docker-1.13.1-88.git07f3374.el7.x86_64",
                               "lvm2-2.02.180-10.el7_6.2.x86_64", "xfsprogs-4.5.0-18.el7.x86_64",
                               "openssh-server-7.4p1-16.el7.x86_64", "chrony-3.2-2.el7.x86_64"]
    static let nodePackages = ["atomic-openshift-node-3.11.43-1.git.0.647ac05.el7.x86_64",
                               "atomic-openshift-clients-3.11.43-1.git.0.647ac05.el7.x86_64"]
    static let masterPackages = ["etcd-3.2.22-1.el7.x86_64", "openshift-ansible-3.11.43-1.git.0.fa69a02.el7.noarch"]
    static let lbPackages = ["haproxy-1.5.18-8.el7.x86_64"]
}
