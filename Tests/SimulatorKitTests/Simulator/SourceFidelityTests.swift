import Foundation
import Testing
@testable import SimulatorKit

/// Differences found by reading the real sources named in docs/simulator.md's fidelity table
/// (etcd v3.2.22, lvm2 2.02.180, coreutils 8.22, cloud-utils 0.29): each test pins the real
/// behaviour where the simulator used to answer otherwise.
@Suite("simulator fidelity (read sources)")
struct SourceFidelityTests {
    @Test("v2 cluster-health reports the refused connection of a member that is down before calling it unreachable (ctlv2 cluster_health.go)")
    func clusterHealthRefusedMember() throws {
        let f = try SimFixture()
        defer { f.remove() }
        try f.disable("etcd", on: "master-2.example.com")
        let r = try f.run("etcdctl2", ["cluster-health"], on: "master-0.example.com")
        #expect(r.status == 0)
        #expect(r.stdout.contains("""
            failed to check the health of member 95dc17ffcce8ee29 on https://192.168.55.13:2379: \
            Get https://192.168.55.13:2379/health: dial tcp 192.168.55.13:2379: getsockopt: connection refused
            member 95dc17ffcce8ee29 is unreachable: [https://192.168.55.13:2379] are all unreachable

            """))
    }

    @Test("etcdctl2 (the 3.11 function) keeps its own --endpoints over a caller's -C/--peers/--endpoint; a caller's --endpoints replaces it")
    func etcdctl2EndpointPrecedence() throws {
        let f = try SimFixture()
        defer { f.remove() }
        try f.sim.inject(.unhealthyEtcd(host: "master-0.example.com"))
        let other = "https://master-1.example.com:2379"
        for flag in ["-C", "--peers", "--endpoint"] {
            let r = try f.run("etcdctl2", [flag, other, "member", "list"])
            #expect(r.status == 4, "\(flag): \(r.stdout)")
            #expect(r.stderr.hasPrefix("Error:  client: etcd cluster is unavailable or misconfigured; error #0: dial tcp master-0.example.com:2379"))
        }
        let replaced = try f.run("etcdctl2", ["--endpoints", other, "member", "list"])
        #expect(replaced.status == 0, "\(replaced.stderr)")
        #expect(replaced.stdout.contains("isLeader="))
    }

    @Test("plain etcdctl (v2) reads --endpoint before --peers (ctlv2 getPeersFlagValue)")
    func etcdctlEndpointBeforePeers() throws {
        let f = try SimFixture()
        defer { f.remove() }
        try f.sim.inject(.unhealthyEtcd(host: "master-1.example.com"))
        let r = try f.run("etcdctl", ["--peers", "https://master-2.example.com:2379", "--endpoint", "https://master-1.example.com:2379",
                                      "member", "list"])
        #expect(r.status == 4)
        #expect(r.stderr.contains("dial tcp master-1.example.com:2379"))
    }

    @Test("member remove of a running member that would leave no active quorum: unhealthy cluster (3.2.22 mayRemoveMember); a down member may go")
    func memberRemoveBreakingActiveQuorum() throws {
        let f = try SimFixture()
        defer { f.remove() }
        try f.disable("etcd", on: "master-2.example.com")
        let up = try f.run("etcdctl3", ["member", "remove", "2a371dd20f21ca8d"])
        #expect(up.status == 1)
        #expect(up.stderr == "Error:  etcdserver: unhealthy cluster\n")
        #expect(try f.state().etcdMembers.count == 3)
        let down = try f.run("etcdctl3", ["member", "remove", "95dc17ffcce8ee29"])
        #expect(down.status == 0, "\(down.stderr)")
        #expect(try f.state().etcdMembers.count == 2)
    }

    @Test("member add: refused as an unhealthy cluster, not a timeout, without quorum; a one-member cluster may take a second member (IsReadyToAddNewMember)")
    func memberAddChecksComeFirst() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let peer = "--peer-urls=https://192.168.55.20:2380"
        try f.disable("etcd", on: "master-1.example.com")
        try f.disable("etcd", on: "master-2.example.com")
        let noQuorum = try f.run("etcdctl3", ["member", "add", "new-etcd-0.example.com", peer])
        #expect(noQuorum.status == 1)
        #expect(noQuorum.stderr == "Error:  etcdserver: unhealthy cluster\n")

        let g = try SimFixture()
        defer { g.remove() }
        #expect(try g.run("etcdctl3", ["member", "remove", "95dc17ffcce8ee29"]).status == 0)
        #expect(try g.run("etcdctl3", ["member", "remove", "2a371dd20f21ca8d"]).status == 0)
        let second = try g.run("etcdctl3", ["member", "add", "new-etcd-0.example.com", peer])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try g.state().etcdMembers.count == 2)
    }

    @Test("endpoint health has no --cluster flag on 3.2.22 (it came in 3.3)")
    func endpointHealthNoClusterFlag() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let r = try f.run("etcdctl3", ["endpoint", "health", "--cluster"])
        #expect(r.status == 1)
        #expect(r.stderr == "Error: unknown flag: --cluster\n\nError:  unknown flag: --cluster\n")
        #expect(r.stdout == "")
    }

    @Test("lvextend -r with nothing to add goes on (unchanged) and resizes the file system, exit 0; without -r it is an error (lvm2 2.02.180)")
    func lvextendResizefsWithoutGrowth() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let node = "node-2.example.com"
        try f.sim.inject(.noFreeExtents(host: node))
        let before = try #require(f.state().host(node)?.storage)
        let plain = try f.run("lvextend", ["-l", "+100%FREE", "/dev/docker-vg/docker-pool"], on: node)
        #expect(plain.status == 5)
        #expect(plain.stderr.hasSuffix("matches existing size (\(before.lvSizeMiB / 4) extents).\n"))
        let r = try f.run("lvextend", ["-r", "-l", "+100%FREE", "/dev/docker-vg/docker-pool"], on: node)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("""
              Size of logical volume docker-vg/docker-pool unchanged from 15.00 GiB (\(before.lvSizeMiB / 4) extents).
              Logical volume docker-vg/docker-pool successfully resized.

            """))
        #expect(try f.state().host(node)?.storage == before)
    }

    @Test("vgremove of a group with a volume asks once for the group (lvm2 2.02.180 vgremove_single); no answer keeps everything")
    func vgremoveAsksForTheGroup() throws {
        var d = ClusterDescription.default
        d.storageDriver = "devicemapper"
        let f = try SimFixture(d)
        defer { f.remove() }
        let node = "node-1.example.com"
        #expect(try f.run("systemctl", ["stop", "docker"], on: node).status == 0)
        let unanswered = try f.run("vgremove", ["docker-vg"], on: node)
        #expect(unanswered.status == 5)
        #expect(unanswered.stderr == """
            Do you really want to remove volume group "docker-vg" containing 1 logical volumes? [y/n]: [n]
              Volume group "docker-vg" not removed

            """)
        #expect(try f.state().host(node)?.storage?.logicalVolume == "docker-pool")
        #expect(try f.run("vgremove", ["docker-vg", "-y"], on: node).status == 0)
    }

    @Test("df -P aligns its columns like coreutils 8.22's print_table")
    func dfAligned() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let r = try f.run("df", ["-P", "-m", "/"], on: "node-0.example.com")
        #expect(r.status == 0)
        #expect(r.stdout == """
            Filesystem     1048576-blocks  Used Available Capacity Mounted on
            /dev/vda1               40960  6144     34816      15% /

            """)
    }

    @Test("growpart prints FAILED on standard output, exit 2; a partition that does not exist has no start and end (cloud-utils 0.29)")
    func growpartFailures() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let node = "node-1.example.com"
        let noDisk = try f.run("growpart", ["/dev/vdz", "1"], on: node)
        #expect(noDisk.status == 2)
        #expect(noDisk.stdout == "FAILED: /dev/vdz: does not exist\n")
        #expect(noDisk.stderr == "")
        let noPartition = try f.run("growpart", ["/dev/vdb", "2"], on: node)
        #expect(noPartition.status == 2)
        #expect(noPartition.stdout == "FAILED: failed to get start and end for /dev/vdb2 in /dev/vdb\n")
    }
}
