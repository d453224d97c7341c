import Foundation
import RunbookYAML
import RunbookCore

/// `systemctl`: units per host; starting haproxy, etcd or flanneld reads their configuration files.
enum SystemctlTool: SimTool {
    static let names = ["systemctl"]

    static let descriptions = [
        "docker": "Docker Application Container Engine", "atomic-openshift-node": "OpenShift Node",
        "haproxy": "HAProxy Load Balancer", "etcd": "Etcd Server", "flanneld": "Flanneld overlay address etcd agent",
        "iptables": "IPv4 firewall with iptables", "chronyd": "NTP client/server",
    ]

    static func run(_ c: ToolContext) throws -> Int32 {
        let parsed: Arguments
        switch Arguments.parse(c.args, [.init("now", value: false), .init("quiet", "q", value: false),
                                         .init("no-pager", value: false), .init("lines", "n"), .init("full", "l", value: false)]) {
        case .success(let a): parsed = a
        case .failure(let e): throw c.fail("systemctl: \(e.message.replacingOccurrences(of: "flag", with: "option"))")
        }
        var words = parsed.positionals
        guard !words.isEmpty else { throw c.fail("systemctl: a command is required") }
        let verb = words.removeFirst()
        let units = words.map { $0.hasSuffix(".service") ? String($0.dropLast(8)) : $0 }
        if verb == "daemon-reload" { return 0 }
        guard !units.isEmpty else { throw c.fail("Too few arguments.") }
        switch verb {
        case "is-active":
            let v = try c.view()
            var code: Int32 = 0
            for u in units {
                let active = v.serviceActive(c.host, u)
                if !parsed.flag("quiet") { c.out(active ? "active\n" : (v.state.host(c.host)?.services[u] == nil ? "unknown\n" : "inactive\n")) }
                if !active { code = 3 }
            }
            return code
        case "is-enabled":
            let v = try c.view()
            var code: Int32 = 0
            for u in units {
                guard let s = v.state.host(c.host)?.services[u] else {
                    c.err("Failed to get unit file state for \(u).service: No such file or directory\n"); code = 1; continue
                }
                c.out(s.masked ? "masked\n" : s.enabled ? "enabled\n" : "disabled\n")
                if !s.enabled || s.masked { code = 1 }
            }
            return code
        case "status": return try status(c, units)
        case "start", "stop", "restart", "reload", "try-restart", "enable", "disable", "mask", "unmask":
            let code = try c.update { v in
                for u in units { try change(c, &v, verb: verb, unit: u, now: parsed.flag("now")) }
                return Int32(0)
            }
            return try followReal(c, verb: verb, units: units) ?? code
        default:
            throw c.fail("Unknown operation '\(verb)'.")
        }
    }

    /// With real etcd members: the supervisor applies the change now (a restart of etcd restarts
    /// the real member); a member that exits at start fails the unit, as systemd's would.
    static func followReal(_ c: ToolContext, verb: String, units: [String]) throws -> Int32? {
        let real = RealEtcd(simDirectory: c.simDirectory)
        guard real.isEnabled, ["start", "stop", "restart", "try-restart", "reload", "enable", "disable"].contains(verb),
              units.contains(where: { ["etcd", "docker", "atomic-openshift-node"].contains($0) }) else { return nil }
        let restart = units.contains("etcd") && ["restart", "try-restart", "reload"].contains(verb)
        let response = try real.send(.init(op: restart ? "restart" : "sync", host: c.host))
        guard response.status != 0, units.contains("etcd") else { return nil }
        try c.update { v in
            if let h = v.state.hostIndex(c.host) { v.state.hosts[h].services["etcd"]?.active = false }
        }
        throw c.fail("Job for etcd.service failed because the control process exited with error code. See \"systemctl status etcd.service\" and \"journalctl -xe\" for details.")
    }

    static func change(_ c: ToolContext, _ v: inout ClusterView, verb: String, unit: String, now: Bool) throws {
        guard let h = v.state.hostIndex(c.host) else { return }
        guard var s = v.state.hosts[h].services[unit] else {
            switch verb {
            case "stop": throw c.fail("Failed to stop \(unit).service: Unit \(unit).service not loaded.", code: 5)
            case "enable", "disable", "mask", "unmask":
                throw c.fail("Failed to \(verb) unit: Unit file \(unit).service does not exist.", code: 1)
            default: throw c.fail("Failed to \(verb) \(unit).service: Unit not found.", code: 5)
            }
        }
        switch verb {
        case "enable":
            if !s.enabled { c.err("Created symlink from /etc/systemd/system/multi-user.target.wants/\(unit).service to /usr/lib/systemd/system/\(unit).service.\n") }
            s.enabled = true
            v.state.hosts[h].services[unit] = s
            if now { try start(c, &v, unit: unit, host: h) }
            return
        case "disable":
            if s.enabled { c.err("Removed symlink /etc/systemd/system/multi-user.target.wants/\(unit).service.\n") }
            s.enabled = false
            v.state.hosts[h].services[unit] = s
            if now {
                orphanStaticPods(&v, host: h, stopping: unit)
                v.state.hosts[h].services[unit]?.active = false
            }
            return
        case "mask":
            c.err("Created symlink from /etc/systemd/system/\(unit).service to /dev/null.\n")
            s.masked = true
        case "unmask":
            if s.masked { c.err("Removed symlink /etc/systemd/system/\(unit).service.\n") }
            s.masked = false
        case "stop":
            s.active = false
            orphanStaticPods(&v, host: h, stopping: unit)
        default:
            if s.masked { throw c.fail("Failed to \(verb) \(unit).service: Unit is masked.") }
            if verb == "try-restart" && !s.active { return }
            v.state.hosts[h].services[unit] = s
            try start(c, &v, unit: unit, host: h)
            return
        }
        v.state.hosts[h].services[unit] = s
    }

    /// Stopping the kubelet leaves the static pods' containers running (they are docker's);
    /// stopping docker kills every container. Called while the unit is still marked as it was.
    static func orphanStaticPods(_ v: inout ClusterView, host h: Int, stopping unit: String) {
        let name = v.state.hosts[h].name
        switch unit {
        case "atomic-openshift-node":
            if v.serviceActive(name, unit) { v.state.hosts[h].orphanedStaticPods = v.runningStaticPods(name) }
        case "docker":
            if v.state.hosts[h].orphanedStaticPods != nil { v.state.hosts[h].orphanedStaticPods = [] }
        default: break
        }
    }

    /// Starts a unit, checking the configuration it reads; a bad one leaves it failed.
    static func start(_ c: ToolContext, _ v: inout ClusterView, unit: String, host h: Int) throws {
        func failed() -> ToolExit {
            v.state.hosts[h].services[unit]?.active = false
            return c.fail("Job for \(unit).service failed because the control process exited with error code. See \"systemctl status \(unit).service\" and \"journalctl -xe\" for details.")
        }
        let tree = c.tree
        switch unit {
        case "haproxy":
            guard let text = tree.read("/etc/haproxy/haproxy.cfg"), let servers = try? Haproxy.backends(text) else { throw failed() }
            v.state.hosts[h].haproxyBackends = servers
        case "etcd" where RealEtcd(simDirectory: c.simDirectory).isEnabled:
            break  // the real member decides (`followReal`)
        case "etcd":
            let conf = tree.variables("/etc/etcd/etcd.conf")
            guard let peer = conf["ETCD_INITIAL_ADVERTISE_PEER_URLS"], let name = conf["ETCD_NAME"],
                  let client = conf["ETCD_ADVERTISE_CLIENT_URLS"],
                  let m = v.state.etcdMembers.firstIndex(where: { $0.peerURL == peer && $0.host == c.host }) else { throw failed() }
            // etcd reads its certificates at start (openshift-ansible's etcd.conf names them) and
            // restarts from the data directory when it holds a member: a joining member needs an
            // empty one (a stale member directory would come back as an old, removed member).
            let certs = ["ETCD_CERT_FILE", "ETCD_KEY_FILE", "ETCD_TRUSTED_CA_FILE", "ETCD_PEER_CERT_FILE",
                         "ETCD_PEER_KEY_FILE", "ETCD_PEER_TRUSTED_CA_FILE"].compactMap { conf[$0] }
            guard certs.allSatisfy(tree.exists) else { throw failed() }
            let dataDir = conf["ETCD_DATA_DIR"] ?? "/var/lib/etcd/"
            if !v.state.etcdMembers[m].started {
                guard !tree.exists((dataDir.hasSuffix("/") ? dataDir : dataDir + "/") + "member") else { throw failed() }
                let cluster = conf["ETCD_INITIAL_CLUSTER"] ?? ""
                guard conf["ETCD_INITIAL_CLUSTER_STATE"] == "existing", cluster.contains("\(name)=\(peer)"),
                      v.initialClusterMatchesMembers(cluster) else { throw failed() }
                v.state.etcdMembers[m].started = true
                v.state.etcdMembers[m].name = name
                v.state.etcdMembers[m].clientURL = client
            }
        case "flanneld":
            let endpoints = (tree.variables("/etc/sysconfig/flanneld")["FLANNEL_ETCD_ENDPOINTS"] ?? "").split(separator: ",")
            guard v.etcdQuorum, endpoints.contains(where: { e in v.member(forEndpoint: String(e)).map(v.etcdMemberUp) ?? false }) else {
                throw failed()
            }
        case "docker":
            guard StorageRebuild.dockerCanStart(tree, v.state.hosts[h]), RegistriesConf.load(tree) else { throw failed() }
        case "atomic-openshift-node":
            // The kubelet takes its static pods back: from now on the manifests decide.
            v.state.hosts[h].orphanedStaticPods = nil
            // The kubelet registers its node again after `oc delete node`.
            if v.state.node(c.host) == nil, tree.exists("/etc/origin/node/node-config.yaml") {
                v.state.nodes.append(ClusterState.registeredNode(c.host, role: v.state.nodeRole(of: c.host)))
            }
        default: break
        }
        v.state.hosts[h].services[unit]?.active = true
    }

    static func status(_ c: ToolContext, _ units: [String]) throws -> Int32 {
        let v = try c.view()
        var code: Int32 = 0
        for u in units {
            guard let s = v.state.host(c.host)?.services[u] else {
                c.err("Unit \(u).service could not be found.\n")
                code = 4
                continue
            }
            let loaded = s.masked ? "masked (/dev/null; bad)" : "loaded (/usr/lib/systemd/system/\(u).service; \(s.enabled ? "enabled" : "disabled"); vendor preset: disabled)"
            let active = s.active ? "active (running) since Tue 2026-11-24 09:12:31 UTC; 3 days ago" : "inactive (dead)"
            c.out("● \(u).service - \(descriptions[u] ?? u)\n   Loaded: \(loaded)\n   Active: \(active)\n")
            if s.active { c.out(" Main PID: \(1000 + u.count * 7) (\(u))\n") }
            if !s.active { code = 3 }
        }
        return code
    }
}
