import Foundation
import Testing
@testable import SimulatorKit

@Suite("more tools")
struct MoreToolTests {
    @Test("custom-columns shows owners; mirror and bare pods have none")
    func customColumns() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let r = try f.run("oc", ["get", "pods", "--all-namespaces", "--field-selector", "spec.nodeName=infra-node-1.example.com",
                                 "-o", "custom-columns=NAMESPACE:.metadata.namespace,NAME:.metadata.name,OWNER:.metadata.ownerReferences[0].kind",
                                 "--no-headers"])
        let rows = r.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        #expect(rows.contains(["default", "debug-pod", "<none>"]))
        #expect(rows.contains { $0.first == "openshift-sdn" && $0.last == "DaemonSet" })
        #expect(rows.contains { $0.first == "default" && $0[1].hasPrefix("docker-registry-1-") && $0.last == "ReplicationController" })
    }

    @Test("master-restart exits 0 and says nothing about health; an API that cannot reach etcd stops serving")
    func masterRestartReadsMasterConfig() throws {
        let f = try SimFixture()
        defer { f.remove() }
        #expect(try f.run("master-restart", []).stderr == "A component name like 'api', 'etcd', or 'controllers' must be specified.\n")
        #expect(try f.run("master-restart", ["api"], on: "master-2.example.com").status == 0)
        let t = f.tree("master-2.example.com")
        let config = try #require(t.read("/etc/origin/master/master-config.yaml"))
        try t.write("/etc/origin/master/master-config.yaml",
                    config.replacingOccurrences(of: "https://master-", with: "https://gone-"))
        let r = try f.run("master-restart", ["api"], on: "master-2.example.com")
        #expect(r.status == 0)
        #expect(r.stderr == "")
        #expect(try f.view().servingMasters == ["master-0.example.com", "master-1.example.com"])
        try f.disable("controllers", on: "master-1.example.com")
        let stopped = try f.run("master-restart", ["controllers"], on: "master-1.example.com")
        #expect(stopped.status == 0)
        #expect(stopped.stderr == "Component controllers is already stopped\n")
    }

    @Test("flanneld starts only with a reachable etcd endpoint in FLANNEL_ETCD_ENDPOINTS")
    func flanneld() throws {
        let f = try SimFixture()
        defer { f.remove() }
        #expect(try f.run("systemctl", ["restart", "flanneld.service"], on: "node-0.example.com").status == 0)
        try f.tree("node-0.example.com").write("/etc/sysconfig/flanneld", "FLANNEL_ETCD_ENDPOINTS=https://etcd0.example.com:2379\n")
        let r = try f.run("systemctl", ["restart", "flanneld.service"], on: "node-0.example.com")
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("Job for flanneld.service failed"))
        #expect(try f.run("systemctl", ["is-active", "flanneld"], on: "node-0.example.com").status == 3)
    }

    @Test("openssl writes keys and certificates in the host tree; iptables rules show in iptables-save")
    func opensslAndIptables() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let prefix = "/etc/etcd/generated_certs/etcd-new-etcd-0.example.com/"
        let r = try f.sh("mkdir -p \(prefix) && openssl req -new -config /etc/etcd/ca/openssl.cnf -keyout \(prefix)peer.key -out \(prefix)peer.csr -batch -nodes -subj /CN=new && openssl ca -name etcd_ca -config /etc/etcd/ca/openssl.cnf -out \(prefix)peer.crt -in \(prefix)peer.csr -batch")
        #expect(r.status == 0)
        #expect(f.tree("master-0.example.com").read(prefix + "peer.crt")?.hasPrefix("-----BEGIN CERTIFICATE-----") == true)
        let missing = try f.run("openssl", ["req", "-new", "-config", "/etc/etcd/ca/openssl.cnf"], on: "master-1.example.com")
        #expect(missing.status == 1)
        let host = "new-etcd-0.example.com"
        #expect(try f.sh("iptables -A OS_FIREWALL_ALLOW -p tcp --dport 2379 -j ACCEPT && iptables-save", on: host)
            .stdout.contains("-A OS_FIREWALL_ALLOW -p tcp --dport 2379 -j ACCEPT\n"))
    }

    @Test("pvresize and lvextend with no free extents")
    func pvresizeNoFree() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let node = "node-2.example.com"
        #expect(try f.run("pvresize", ["/dev/vdb1"], on: node).stdout.contains("Physical volume \"/dev/vdb1\" changed"))
        #expect(try f.run("pvresize", ["/dev/vdz"], on: node).status == 5)
        try f.sim.inject(.noFreeExtents(host: node))
        #expect(try f.run("vgs", ["--noheadings", "-o", "vg_free"], on: node).stdout == "  0 \n")
        let r = try f.run("lvextend", ["-l", "+100%FREE", "/dev/docker-vg/docker-pool"], on: node)
        #expect(r.stderr == "  New size (3840 extents) matches existing size (3840 extents).\n")
    }

    @Test("systemctl refuses masked units and unknown verbs")
    func systemctlMask() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let h = "node-0.example.com"
        #expect(try f.run("systemctl", ["mask", "docker"], on: h).status == 0)
        #expect(try f.run("systemctl", ["restart", "docker"], on: h).stderr == "Failed to restart docker.service: Unit is masked.\n")
        #expect(try f.run("systemctl", ["frob", "docker"], on: h).stderr == "Unknown operation 'frob'.\n")
        #expect(try f.run("systemctl", ["stop", "nosuch"], on: h).status == 5)
    }

    @Test("oc exec runs in the pod's node: the guide's etcd snapshot through the etcd pod")
    func ocExec() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let r = try f.sh("oc exec master-etcd-master-2.example.com -n kube-system -c etcd -- /bin/sh -c 'ETCDCTL_API=3 etcdctl --endpoints https://master-2.example.com:2379 snapshot save /var/lib/etcd/snapshot.db; hostname'")
        #expect(r.stdout == "Snapshot saved at /var/lib/etcd/snapshot.db\nmaster-2.example.com\n")
        #expect(f.tree("master-2.example.com").exists("/var/lib/etcd/snapshot.db"))
        #expect(try f.run("oc", ["exec", "nosuch", "--", "true"]).stderr == "Error from server (NotFound): pods \"nosuch\" not found\n")
    }
}
