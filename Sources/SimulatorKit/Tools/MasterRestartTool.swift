import Foundation
import RunbookYAML

/// `master-restart api|controllers|etcd`: restarts a master static pod; the API server re-reads
/// `etcdClientInfo.urls` from master-config.yaml and fails when none of them reaches etcd.
enum MasterRestartTool: SimTool {
    static let names = ["master-restart"]

    static func run(_ c: ToolContext) throws -> Int32 {
        guard let requested = c.args.first, !requested.isEmpty else {
            throw c.fail("A service name is required (api, controllers, etcd)")
        }
        let component = requested == "controller" ? "controllers" : requested
        guard ["api", "controllers", "etcd"].contains(component) else {
            throw c.fail("Unknown service \(requested): expected api, controllers or etcd")
        }
        return try c.update { v in
            guard (v.state.groups["masters"] ?? []).contains(c.host), v.staticPodRunning(c.host, component) else {
                throw c.fail("Component \(component) is not running")
            }
            guard component == "api", let h = v.state.hostIndex(c.host) else { return 0 }
            let urls = etcdURLs(c.tree)
            let reachable = urls.contains { url in v.member(forEndpoint: url).map(v.etcdMemberUp) ?? false }
            v.state.hosts[h].apiFailed = !(reachable && v.etcdQuorum)
            if v.state.hosts[h].apiFailed {
                throw c.fail("api did not become ready: unable to reach etcd at \(urls.joined(separator: ",")) (etcdClientInfo.urls in /etc/origin/master/master-config.yaml)")
            }
            return 0
        }
    }

    /// `etcdClientInfo.urls` of the host's master-config.yaml (empty when unreadable).
    static func etcdURLs(_ tree: HostTree) -> [String] {
        guard let text = tree.read("/etc/origin/master/master-config.yaml"),
              let root = try? YAMLParser().parse(Array(text.utf8), file: "/etc/origin/master/master-config.yaml") else { return [] }
        return root["etcdClientInfo"]?["urls"]?.items?.compactMap(\.text) ?? []
    }
}
