import Foundation

/// `ansible-playbook [-i INVENTORY] …/playbooks/openshift-etcd/scaleup.yml`: joins every host of
/// `[new_etcd]` to the etcd cluster, one at a time, like openshift-ansible's etcd scaleup.
enum AnsiblePlaybookTool: SimTool {
    static let names = ["ansible-playbook"]
    static let scaleup = "playbooks/openshift-etcd/scaleup.yml"

    static func run(_ c: ToolContext) throws -> Int32 {
        let parsed: Arguments
        switch Arguments.parse(c.args, [.init("inventory", "i"), .init("verbose", "v", value: false), .init("extra-vars", "e"),
                                         .init("limit"), .init("check", value: false), .init("become", "b", value: false)]) {
        case .success(let a): parsed = a
        case .failure(let e): throw c.fail("ERROR! \(e.message)", code: 2)
        }
        guard let playbook = parsed.positionals.first else {
            throw c.fail("usage: ansible-playbook [options] playbook.yml [playbook2 ...]\nansible-playbook: error: You must specify a playbook file to run", code: 5)
        }
        guard playbook.hasSuffix(scaleup) else {
            throw c.fail("ERROR! the playbook: \(playbook) could not be found (the simulator runs only /usr/share/ansible/openshift-ansible/\(scaleup))", code: 1)
        }
        let inventoryPath = parsed["inventory"] ?? "/etc/ansible/hosts"
        guard let text = c.tree.read(inventoryPath) else {
            throw c.fail(" [WARNING]: Unable to parse \(inventoryPath) as an inventory source\nERROR! Specified hosts and/or --limit does not match any hosts", code: 1)
        }
        let groups = AnsibleInventory.groups(text)
        let newHosts = groups["new_etcd"] ?? []
        c.out("\nPLAY [Initialization Checkpoint Start] *****************************************\n\nTASK [Set install initialization 'In Progress'] ********************************\nok: [\(c.host)]\n")
        var recap: [(String, String)] = []
        var failed = false
        if RealEtcd(simDirectory: c.simDirectory).isEnabled {
            for host in newHosts {
                c.out("\nPLAY [Configure etcd] **********************************************************\n\nTASK [etcd : Install etcd] *****************************************************\n")
                let line = try realJoin(c, host: host, caHost: groups["etcd"]?.first ?? "")
                failed = failed || !line.hasSuffix("failed=0")
                recap.append((host, line))
            }
        } else { try c.update { v in
            for host in newHosts {
                c.out("\nPLAY [Configure etcd] **********************************************************\n\nTASK [etcd : Install etcd] *****************************************************\n")
                guard let h = v.state.hostIndex(host), v.reachable(host) else {
                    c.out("fatal: [\(host)]: UNREACHABLE! => {\"changed\": false, \"msg\": \"Failed to connect to the host via ssh: ssh: connect to host \(host) port 22: No route to host\", \"unreachable\": true}\n")
                    recap.append((host, "ok=0    changed=0    unreachable=1    failed=0"))
                    failed = true
                    continue
                }
                let ip = v.state.hosts[h].ip, peer = "https://\(ip):2380"
                if v.state.etcdMembers.contains(where: { $0.peerURL == peer && $0.started }) {
                    c.out("ok: [\(host)]\n")
                    recap.append((host, "ok=48   changed=0    unreachable=0    failed=0"))
                    continue
                }
                do throws(EtcdMembership.Failure) {
                    if !v.state.etcdMembers.contains(where: { $0.peerURL == peer }) {
                        _ = try EtcdMembership.add(&v, name: host, peerURL: peer)
                    }
                } catch {
                    c.out("changed: [\(host)]\n\nTASK [etcd : Add new etcd members to cluster] **********************************\nfatal: [\(host) -> \(v.state.groups["etcd"]?.first ?? "")]: FAILED! => {\"changed\": true, \"cmd\": [\"etcdctl\", \"member\", \"add\", \"\(host)\", \"\(peer)\"], \"msg\": \"non-zero return code\", \"rc\": 1, \"stderr\": \"Error:  \(EtcdMembership.v3Text(error))\"}\n")
                    recap.append((host, "ok=31   changed=6    unreachable=0    failed=1"))
                    failed = true
                    continue
                }
                let cluster = v.state.etcdMembers.filter { $0.started }.map { "\($0.name)=\($0.peerURL)" } + ["\(host)=\(peer)"]
                let tree = HostTree(simDirectory: c.simDirectory, host: host)
                try tree.write("/etc/etcd/etcd.conf", EtcdFiles.conf(name: host, ip: ip, initialCluster: cluster.joined(separator: ","),
                                                                      state: "existing"))
                for f in ["ca.crt", "peer.crt", "server.crt"] { try tree.write("/etc/etcd/" + f, EtcdFiles.pem("CERTIFICATE", f)) }
                for f in ["peer.key", "server.key"] { try tree.write("/etc/etcd/" + f, EtcdFiles.pem("RSA PRIVATE KEY", f)) }
                if !v.state.hosts[h].packages.contains(where: { $0.hasPrefix("etcd-") }) {
                    v.state.hosts[h].packages.append(YumTool.catalogue["etcd"] ?? "etcd")
                    v.state.hosts[h].packages.sort()
                }
                v.state.hosts[h].services["etcd"] = ServiceState(active: true, enabled: true)
                if let m = v.state.etcdMembers.firstIndex(where: { $0.peerURL == peer }) {
                    v.state.etcdMembers[m].started = true
                    v.state.etcdMembers[m].name = host
                    v.state.etcdMembers[m].clientURL = "https://\(ip):2379"
                    v.state.etcdMembers[m].host = host
                }
                c.out("changed: [\(host)]\n\nTASK [etcd : Add new etcd members to cluster] **********************************\nchanged: [\(host) -> \(v.state.groups["etcd"]?.first ?? "")]\n\nTASK [etcd : Start etcd] *******************************************************\nchanged: [\(host)]\n")
                try addClientURL(c, &v, "https://\(host):2379")
                recap.append((host, "ok=48   changed=12   unreachable=0    failed=0"))
            }
        } }
        if newHosts.isEmpty { c.out("\nPLAY [Configure etcd] **********************************************************\nskipping: no hosts matched\n") }
        c.out("\nPLAY RECAP *********************************************************************\n")
        c.out("\(c.host.padding(toLength: 27, withPad: " ", startingAt: 0)): ok=12   changed=0    unreachable=0    failed=0\n")
        for (host, line) in recap { c.out("\(host.padding(toLength: 27, withPad: " ", startingAt: 0)): \(line)\n") }
        return failed ? 2 : 0
    }

    /// With real etcd members: what the playbook does for one new host, against the real cluster.
    /// Real certificates signed by the CA host's `/etc/etcd/ca` (fetch_server_certificates_from_ca.yml),
    /// the real `etcdctlv2 member add NAME PEER_URL` run on the CA host with the playbook's 3 retries
    /// 10 s apart (add_new_member.yml), etcd.conf with etcd's own ETCD_INITIAL_CLUSTER, then etcd
    /// started and awaited. Returns the host's recap line.
    static func realJoin(_ c: ToolContext, host: String, caHost: String) throws -> String {
        let real = RealEtcd(simDirectory: c.simDirectory)
        let view = try c.view()
        guard let ip = view.state.host(host)?.ip, view.reachable(host) else {
            c.out("fatal: [\(host)]: UNREACHABLE! => {\"changed\": false, \"msg\": \"Failed to connect to the host via ssh: ssh: connect to host \(host) port 22: No route to host\", \"unreachable\": true}\n")
            return "ok=0    changed=0    unreachable=1    failed=0"
        }
        let peer = "https://\(ip):2380"
        let failure = "ok=31   changed=6    unreachable=0    failed=1"
        if view.state.etcdMembers.contains(where: { $0.peerURL == peer && $0.started }) {
            c.out("ok: [\(host)]\n")
            return "ok=48   changed=0    unreachable=0    failed=0"
        }
        let caTree = HostTree(simDirectory: c.simDirectory, host: caHost)
        guard caTree.exists("/etc/etcd/ca/ca.crt"), caTree.exists("/etc/etcd/ca/ca.key") else {
            c.out("changed: [\(host)]\n\nTASK [etcd : Create the server csr] ********************************************\nfatal: [\(host) -> \(caHost)]: FAILED! => {\"changed\": false, \"msg\": \"/etc/etcd/ca/ca.crt or ca.key is missing on the etcd CA host\"}\n")
            return failure
        }
        let tree = HostTree(simDirectory: c.simDirectory, host: host)
        do {
            try real.issueCertificates(tree: tree, host: host, ip: ip, loopback: real.addresses()[host] ?? "127.0.0.1",
                                           caDirectory: caTree.real("/etc/etcd/ca"))
        } catch {
            c.out("fatal: [\(host) -> \(caHost)]: FAILED! => {\"changed\": false, \"msg\": \"\(error)\"}\n")
            return failure
        }
        let add = ["--cert-file", "/etc/etcd/peer.crt", "--key-file", "/etc/etcd/peer.key", "--ca-file", "/etc/etcd/ca.crt",
                   "-C", "https://\(caHost):2379", "member", "add", host, peer]
        var response = RealEtcd.Response(status: 1)
        for attempt in 0..<4 {
            if attempt > 0 { sleep(10) }
            response = try real.send(.init(op: "etcdctl", host: caHost, args: add, api: "2"))
            if response.status == 0 { break }
        }
        let initial = response.stdout.split(separator: "\n").first { $0.hasPrefix("ETCD_INITIAL_CLUSTER=") }
            .map { $0.dropFirst("ETCD_INITIAL_CLUSTER=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        guard response.status == 0, let initial else {
            let message = response.stderr.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "\"", with: "\\\"")
            c.out("changed: [\(host)]\n\nTASK [etcd : Add new etcd members to cluster] **********************************\nFAILED - RETRYING: Add new etcd members to cluster (3 retries left).\nfatal: [\(host) -> \(caHost)]: FAILED! => {\"attempts\": 3, \"changed\": true, \"msg\": \"non-zero return code\", \"rc\": \(response.status), \"stderr\": \"\(message)\"}\n")
            return failure
        }
        try tree.write("/etc/etcd/etcd.conf", EtcdFiles.conf(name: host, ip: ip, initialCluster: initial, state: "existing"))
        try c.update { v in
            guard let h = v.state.hostIndex(host) else { return }
            if !v.state.hosts[h].packages.contains(where: { $0.hasPrefix("etcd-") }) {
                v.state.hosts[h].packages.append(YumTool.catalogue["etcd"] ?? "etcd")
                v.state.hosts[h].packages.sort()
            }
            v.state.hosts[h].services["etcd"] = ServiceState(active: true, enabled: true)
            try addClientURL(c, &v, "https://\(host):2379")
        }
        let started = try real.send(.init(op: "sync", host: host))
        c.out("changed: [\(host)]\n\nTASK [etcd : Add new etcd members to cluster] **********************************\nchanged: [\(host) -> \(caHost)]\n\nTASK [etcd : Start etcd] *******************************************************\n")
        guard started.status == 0 else {
            try c.update { v in if let h = v.state.hostIndex(host) { v.state.hosts[h].services["etcd"]?.active = false } }
            c.out("fatal: [\(host)]: FAILED! => {\"changed\": false, \"msg\": \"Unable to start service etcd: Job for etcd.service failed because the control process exited with error code.\"}\n")
            return failure
        }
        // etcd's unit is `Type=notify`: `systemctl start etcd` returns once etcd has published
        // itself to the cluster (READY=1), not when its port first accepts connections; until
        // then `member list` shows it unstarted. systemd gives up after 90 s (DefaultTimeoutStartSec).
        guard try waitPublished(real, caHost: caHost, host: host) else {
            c.out("fatal: [\(host)]: FAILED! => {\"changed\": false, \"msg\": \"Unable to start service etcd: Job for etcd.service failed because a timeout was exceeded.\"}\n")
            return failure
        }
        c.out("changed: [\(host)]\n")
        return "ok=48   changed=12   unreachable=0    failed=0"
    }

    /// Whether the real member list names `host` as started within 90 s.
    static func waitPublished(_ real: RealEtcd, caHost: String, host: String) throws -> Bool {
        let list = ["--cacert", "/etc/etcd/ca.crt", "--cert", "/etc/etcd/peer.crt", "--key", "/etc/etcd/peer.key",
                    "--endpoints", "https://\(caHost):2379", "member", "list"]
        let deadline = Date().addingTimeInterval(90)
        while Date() < deadline {
            let r = try real.send(.init(op: "etcdctl", host: caHost, args: list))
            if r.status == 0, r.stdout.contains(", started, \(host), ") { return true }
            usleep(250_000)
        }
        return false
    }

    /// Adds the new member to `etcdClientInfo.urls` on every master, as the playbook's last play does.
    static func addClientURL(_ c: ToolContext, _ v: inout ClusterView, _ url: String) throws {
        for m in v.state.groups["masters"] ?? [] {
            let tree = HostTree(simDirectory: c.simDirectory, host: m)
            guard let text = tree.read("/etc/origin/master/master-config.yaml"), !text.contains("  - \(url)\n") else { continue }
            var lines = text.components(separatedBy: "\n")
            guard let start = lines.firstIndex(of: "etcdClientInfo:"),
                  let urls = lines[start...].firstIndex(of: "  urls:") else { continue }
            var end = urls + 1
            while end < lines.count, lines[end].hasPrefix("  - ") { end += 1 }
            lines.insert("  - \(url)", at: end)
            try tree.write("/etc/origin/master/master-config.yaml", lines.joined(separator: "\n"))
        }
    }
}
