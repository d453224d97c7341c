import Foundation
import Testing
@testable import SimulatorKit

@Suite("static pods, services, haproxy, storage")
struct HostTests {
    @Test("moving API manifests away takes masters out of the kubernetes endpoints, then the API down")
    func staticPods() throws {
        let f = try SimFixture()
        defer { f.remove() }
        try f.disable("api", on: "master-0.example.com")
        try f.disable("controllers", on: "master-0.example.com")
        let ep = try f.run("oc", ["get", "endpoints", "kubernetes", "-n", "default"], on: "master-1.example.com")
        #expect(ep.stdout.contains("192.168.55.12:8443,192.168.55.13:8443 "))
        #expect(!ep.stdout.contains("192.168.55.8:8443"))
        let pods = try f.run("oc", ["get", "pods", "-n", "kube-system"], on: "master-1.example.com")
        #expect(!pods.stdout.contains("master-api-master-0.example.com"))
        #expect(pods.stdout.contains("master-etcd-master-0.example.com"))
        try f.disable("api", on: "master-1.example.com")
        try f.disable("api", on: "master-2.example.com")
        let down = try f.run("oc", ["get", "nodes"])
        #expect(down.status == 1)
        #expect(down.stderr.hasPrefix("The connection to the server master.example.com:8443 was refused"))
    }

    @Test("haproxy loads its backends from haproxy.cfg on restart")
    func haproxyBackends() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let lb = "lb.example.com"
        let cfg = try #require(f.tree(lb).read("/etc/haproxy/haproxy.cfg"))
        #expect(cfg.contains("backend mgmt8443\n    balance source\n    mode tcp\n    # MASTERS 8443\n    server master-0.example.com 192.168.55.8:8443 check\n"))
        try f.tree(lb).write("/etc/haproxy/haproxy.cfg",
                             cfg.replacingOccurrences(of: "    server master-0.example.com 192.168.55.8:8443 check\n", with: ""))
        #expect(try f.state().host(lb)?.haproxyBackends.count == 3)
        let r = try f.run("systemctl", ["restart", "haproxy"], on: lb)
        #expect(r.status == 0)
        #expect(try f.state().host(lb)?.haproxyBackends == ["master-1.example.com 192.168.55.12:8443",
                                                            "master-2.example.com 192.168.55.13:8443"])
        let missing = try f.run("systemctl", ["restart", "haproxy"], on: "node-0.example.com")
        #expect(missing.status == 5)
        #expect(missing.stderr == "Failed to restart haproxy.service: Unit not found.\n")
    }

    @Test("systemctl stop docker makes the node NotReady; is-active and status follow")
    func services() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let node = "node-2.example.com"
        #expect(try f.run("systemctl", ["stop", "docker"], on: node).status == 0)
        let active = try f.run("systemctl", ["is-active", "docker"], on: node)
        #expect(active.stdout == "inactive\n" && active.status == 3)
        #expect(try f.run("oc", ["get", "nodes", node]).stdout.contains("NotReady"))
        #expect(try f.run("docker", ["info"], on: node).stderr
            == "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n")
        #expect(try f.run("systemctl", ["start", "docker.service"], on: node).status == 0)
        #expect(try f.run("systemctl", ["status", "docker"], on: node).stdout.contains("Active: active (running)"))
    }

    @Test("the node service registers its node again after oc delete node")
    func reRegister() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let node = "infra-node-2.example.com"
        #expect(try f.run("oc", ["delete", "node", node]).stdout == "node \"\(node)\" deleted\n")
        #expect(try f.run("oc", ["get", "node", node]).stderr == "Error from server (NotFound): nodes \"\(node)\" not found\n")
        #expect(try f.state().pods.contains { $0.node == node } == false)
        #expect(try f.run("systemctl", ["restart", "atomic-openshift-node"], on: node).status == 0)
        #expect(try f.state().node(node)?.roles == ["infra"])
        #expect(try f.state().pods.contains { $0.node == node && $0.owner == .daemonSet("sdn") })
    }

    @Test("a new disk in DEVS, docker-storage-setup, lvextend -r and xfs_growfs grow the VG and file system")
    func growStorage() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let node = "node-0.example.com"
        #expect(try f.run("vgs", [], on: node).stdout == """
              VG        #PV #LV #SN Attr   VSize   VFree 
              docker-vg   1   1   0 wz--n- <20.00g <5.00g

            """)
        let setup = f.tree(node).read("/etc/sysconfig/docker-storage-setup") ?? ""
        try f.tree(node).write("/etc/sysconfig/docker-storage-setup",
                               setup.replacingOccurrences(of: "DEVS=\"/dev/vdb\"", with: "DEVS=\"/dev/vdb /dev/vdc\""))
        let dss = try f.run("docker-storage-setup", [], on: node)
        #expect(dss.stdout.contains("INFO: Device /dev/vdb is already partitioned and is part of volume group docker-vg"))
        #expect(dss.stdout.contains("Volume group \"docker-vg\" successfully extended"))
        let lv = try f.run("lvextend", ["-r", "-l", "+100%FREE", "/dev/mapper/docker--vg-docker--pool"], on: node)
        #expect(lv.status == 0)
        #expect(lv.stdout.hasPrefix("  Size of logical volume docker-vg/docker-pool changed from 15.00 GiB (3840 extents) to "))
        let s = try #require(f.state().host(node)?.storage)
        #expect(s.vgFreeMiB == 0 && s.fsSizeMiB == s.lvSizeMiB && s.vgSizeMiB == 20476 + 40956)
        #expect(try f.run("xfs_growfs", ["/dev/mapper/docker--vg-docker--pool"], on: node).status == 0)
        let again = try f.run("lvextend", ["-l", "+100%FREE", "/dev/mapper/docker--vg-docker--pool"], on: node)
        #expect(again.status == 5)
        #expect(again.stderr == "  New size (15358 extents) matches existing size (15358 extents).\n")
        let wrong = try f.run("lvextend", ["-r", "-l", "+100%FREE", "/dev/mapper/docker_vol-dockerlv"], on: node)
        #expect(wrong.status == 5)
    }

    @Test("vgs with --noheadings -o and units for scripts")
    func vgsScripting() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let r = try f.run("vgs", ["--noheadings", "--units", "m", "--nosuffix", "-o", "vg_size,vg_free", "docker-vg"], on: "node-1.example.com")
        #expect(r.stdout == "  20476.00 5116.00\n")
    }

    @Test("file tools see the host tree; ssh and scp cross hosts")
    func fileTools() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let r = try f.sh("mkdir -p /etc/origin/node/pods-stopped && mv /etc/origin/node/pods/* /etc/origin/node/pods-stopped/ && ls /etc/origin/node/pods-stopped",
                         on: "master-2.example.com")
        #expect(r.stdout == "apiserver.yaml\ncontroller.yaml\netcd.yaml\n")
        #expect(try f.view().staticPodRunning("master-2.example.com", "etcd") == false)
        let grep = try f.sh("grep https /etc/origin/node/pods/etcd.yaml | cut -d '/' -f3")
        #expect(grep.stdout == "192.168.55.8:2379\n")
        let copy = try f.sh("scp /etc/origin/master/ca.serial.txt master-1:/etc/origin/master/ && ssh master-1 cat /etc/origin/master/ca.serial.txt")
        #expect(copy.stdout == "0B\n")
        #expect(try f.sh("hostname", on: "node-0.example.com").stdout == "node-0.example.com\n")
    }
}
