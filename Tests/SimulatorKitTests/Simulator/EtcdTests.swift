import Foundation
import Testing
@testable import SimulatorKit

@Suite("etcdctl and quorum")
struct EtcdTests {
    let certs3 = ["--cert=/etc/etcd/peer.crt", "--key=/etc/etcd/peer.key", "--cacert=/etc/etcd/ca.crt"]
    let endpoints = "--endpoints=https://master-0.example.com:2379,https://master-1.example.com:2379,https://master-2.example.com:2379"

    @Test("etcdctl3 member list prints the guide's lines")
    func memberListV3() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let r = try f.run("etcdctl3", ["member", "list"])
        #expect(r.stdout == """
            40bef1f6c79b3163, started, master-0.example.com, https://192.168.55.8:2380, https://192.168.55.8:2379
            2a371dd20f21ca8d, started, master-1.example.com, https://192.168.55.12:2380, https://192.168.55.12:2379
            95dc17ffcce8ee29, started, master-2.example.com, https://192.168.55.13:2380, https://192.168.55.13:2379

            """)
        let table = try f.run("etcdctl", certs3 + ["member", "list", "-w", "table"], env: ["ETCDCTL_API": "3"])
        #expect(table.stdout.contains("|        ID        | STATUS  |         NAME         |"))
        #expect(table.stdout.contains("| 40bef1f6c79b3163 | started | master-0.example.com | https://192.168.55.8:2380  |"))
    }

    @Test("endpoint health and v2 cluster-health, healthy and degraded")
    func health() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let h = try f.run("etcdctl3", certs3 + [endpoints, "endpoint", "health"])
        #expect(h.status == 0)
        #expect(h.stdout.contains("https://master-1.example.com:2379 is healthy: successfully committed proposal: took = "))
        try f.sim.inject(.unhealthyEtcd(host: "master-2.example.com"))
        let bad = try f.run("etcdctl3", certs3 + [endpoints, "endpoint", "health"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("https://master-2.example.com:2379 is unhealthy: failed to commit proposal: context deadline exceeded"))
        #expect(bad.stderr.hasSuffix("Error:  unhealthy cluster\n"))
        // etcd 3.2.22's v2 cluster-health: one healthy member is enough for "cluster is healthy".
        let v2 = try f.run("etcdctl2", ["cluster-health"])
        #expect(v2.status == 0)
        #expect(v2.stdout.contains("member 95dc17ffcce8ee29 is unhealthy: got unhealthy result from https://192.168.55.13:2379"))
        #expect(v2.stdout.hasSuffix("cluster is healthy\n"))
    }

    @Test("losing quorum makes etcd and the API fail")
    func quorumLoss() throws {
        let f = try SimFixture()
        defer { f.remove() }
        try f.disable("etcd", on: "master-1.example.com")
        #expect(try f.run("oc", ["get", "nodes"]).status == 0)
        try f.disable("etcd", on: "master-2.example.com")
        #expect(try f.view().etcdQuorum == false)
        let health = try f.run("etcdctl2", ["cluster-health"])
        #expect(health.status == 5)
        #expect(health.stdout.hasSuffix("cluster is unhealthy\n"))
        #expect(health.stdout.contains("member 2a371dd20f21ca8d is unreachable: [https://192.168.55.12:2379] are all unreachable"))
        let oc = try f.run("oc", ["get", "nodes"])
        #expect(oc.status == 1)
        #expect(oc.stderr == "Error from server: etcdserver: request timed out\n")
        let remove = try f.run("etcdctl3", ["member", "remove", "2a371dd20f21ca8d"])
        #expect(remove.stderr == "Error:  etcdserver: request timed out\n")
    }

    @Test("member add prints the etcd.conf lines; starting etcd with them joins; remove by id")
    func addStartRemove() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let add = try f.run("etcdctl3", certs3 + ["member", "add", "new-etcd-0.example.com", "--peer-urls=https://192.168.55.20:2380"])
        #expect(add.status == 0)
        let id = try #require(f.state().etcdMembers.last?.id)
        #expect(add.stdout == """
            Member \(id) added to cluster 8c4281cc65c7b112

            ETCD_NAME="new-etcd-0.example.com"
            ETCD_INITIAL_CLUSTER="master-0.example.com=https://192.168.55.8:2380,master-1.example.com=https://192.168.55.12:2380,master-2.example.com=https://192.168.55.13:2380,new-etcd-0.example.com=https://192.168.55.20:2380"
            ETCD_INITIAL_CLUSTER_STATE="existing"

            """)
        #expect(try f.run("etcdctl3", ["member", "list"]).stdout.contains("\(id), unstarted, , https://192.168.55.20:2380, \n"))
        let host = "new-etcd-0.example.com"
        #expect(try f.run("systemctl", ["start", "etcd"], on: host).stderr == "Failed to start etcd.service: Unit not found.\n")
        #expect(try f.run("yum", ["install", "-y", "etcd"], on: host).status == 0)
        let conf = EtcdConfFixture.text(name: host, ip: "192.168.55.20", cluster: add.stdout)
        try f.tree(host).write("/etc/etcd/etcd.conf", conf)
        let start = try f.run("systemctl", ["enable", "etcd", "--now"], on: host)
        #expect(start.status == 0)
        #expect(try f.state().etcdMembers.last?.started == true)
        #expect(try f.view().etcdQuorum)
        let wrong = try f.run("etcdctl3", ["member", "remove", "1234567890abcdef"])
        #expect(wrong.status == 1)
        #expect(wrong.stderr == "Error:  etcdserver: member not found\n")
        let remove = try f.run("etcdctl3", ["member", "remove", "40bef1f6c79b3163"], on: "master-1.example.com")
        #expect(remove.stdout == "Member 40bef1f6c79b3163 removed from cluster 8c4281cc65c7b112\n")
        #expect(try f.state().etcdMembers.map(\.name) == ["master-1.example.com", "master-2.example.com", host])
    }

    @Test("the strict reconfiguration check refuses to add to a degraded three-member cluster")
    func addToDegradedCluster() throws {
        let f = try SimFixture()
        defer { f.remove() }
        try f.sim.inject(.unhealthyEtcd(host: "master-2.example.com"))
        let add = try f.run("etcdctl3", ["member", "add", "x", "--peer-urls=https://192.168.55.20:2380"])
        #expect(add.status == 1)
        #expect(add.stderr == "Error:  etcdserver: unhealthy cluster\n")
    }

    @Test("the etcd scaleup playbook joins the new_etcd hosts")
    func scaleupPlaybook() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let r = try f.run("ansible-playbook", ["-i", "/etc/ansible/hosts",
                                               "/usr/share/ansible/openshift-ansible/playbooks/openshift-etcd/scaleup.yml"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("new-etcd-0.example.com     : ok=48   changed=12   unreachable=0    failed=0"))
        let m = try #require(f.state().etcdMembers.last)
        #expect(m.name == "new-etcd-0.example.com" && m.started)
        #expect(f.tree("master-1.example.com").read("/etc/origin/master/master-config.yaml")?
            .contains("  - https://new-etcd-0.example.com:2379\n") == true)
        #expect(try f.run("etcdctl3", ["snapshot", "save", "/var/lib/etcd/backup.db"]).stdout == "Snapshot saved at /var/lib/etcd/backup.db\n")
        #expect(f.tree("master-0.example.com").exists("/var/lib/etcd/backup.db"))
    }
}

/// An etcd.conf for a joining member built from `member add` output.
enum EtcdConfFixture {
    static func text(name: String, ip: String, cluster addOutput: String) -> String {
        let line = addOutput.split(separator: "\n").first { $0.hasPrefix("ETCD_INITIAL_CLUSTER=") } ?? ""
        return "ETCD_NAME=\(name)\nETCD_INITIAL_ADVERTISE_PEER_URLS=https://\(ip):2380\nETCD_ADVERTISE_CLIENT_URLS=https://\(ip):2379\n\(line)\nETCD_INITIAL_CLUSTER_STATE=existing\n"
    }
}
