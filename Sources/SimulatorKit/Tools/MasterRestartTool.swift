import Foundation
import RunbookYAML

/// `master-restart NAME`: openshift-ansible 3.11's script
/// (roles/openshift_control_plane/files/scripts/docker/master-restart). It stops the pod of the
/// component labelled NAME and waits (up to 60 s) for its container to exit; the kubelet starts it
/// again from the manifest. It exits 0 also for a name no pod has (`controller`: "already
/// stopped") and says nothing about health: an API server that cannot reach etcd through
/// master-config's `etcdClientInfo.urls`, or cannot read master-config.yaml at all (not YAML,
/// not `kind: MasterConfig`), comes back not serving, which only `/healthz` shows.
enum MasterRestartTool: SimTool {
    static let names = ["master-restart"]

    static func run(_ c: ToolContext) throws -> Int32 {
        guard let component = c.args.first, !component.isEmpty else {
            throw c.fail("A component name like 'api', 'etcd', or 'controllers' must be specified.")
        }
        let code: Int32 = try c.update { v in
            guard ["api", "controllers", "etcd"].contains(component), (v.state.groups["masters"] ?? []).contains(c.host),
                  v.staticPodRunning(c.host, component) else {
                c.err("Component \(component) is already stopped\n")
                return 0
            }
            c.out("Stopping container \(EtcdctlTool.containerID(c.host + "/" + component))\n")
            guard component == "api", let h = v.state.hostIndex(c.host) else { return 0 }
            let urls = etcdURLs(c.tree)
            let reachable = urls.contains { url in v.member(forEndpoint: url).map(v.etcdMemberUp) ?? false }
            v.state.hosts[h].apiFailed = !(reachable && v.etcdQuorum && configReadable(c.tree))
            v.state.hosts[h].allowedRegistriesForImport = OcImageImport.allowedRegistries(c.tree)
            return 0
        }
        if component == "etcd", RealEtcd(simDirectory: c.simDirectory).isEnabled {
            // The kubelet starts the container again; a member that exits at start stays down
            // (the script says nothing about it). Asked after the state lock is released: the
            // supervisor reads the state.
            _ = try RealEtcd(simDirectory: c.simDirectory).send(.init(op: "restart", host: c.host))
        }
        return code
    }

    /// Whether `openshift start master api --config=…` can read the host's master-config.yaml:
    /// one YAML mapping of `kind: MasterConfig`. A missing or unparsable file makes the API
    /// server exit at start (the kubelet restarts it in a loop): it never serves.
    static func configReadable(_ tree: HostTree) -> Bool {
        guard let text = tree.read("/etc/origin/master/master-config.yaml"),
              let root = try? YAMLParser().parse(Array(text.utf8), file: "/etc/origin/master/master-config.yaml") else { return false }
        return root["kind"]?.text == "MasterConfig"
    }

    /// `etcdClientInfo.urls` of the host's master-config.yaml (empty when unreadable).
    static func etcdURLs(_ tree: HostTree) -> [String] {
        guard let text = tree.read("/etc/origin/master/master-config.yaml"),
              let root = try? YAMLParser().parse(Array(text.utf8), file: "/etc/origin/master/master-config.yaml") else { return [] }
        return root["etcdClientInfo"]?["urls"]?.items?.compactMap(\.text) ?? []
    }
}
