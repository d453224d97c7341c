import Foundation
import Testing
@testable import SimulatorKit

@Suite("oc adm drain")
struct DrainTests {
    @Test("refuses a bare pod without --force, after cordoning, and lists it")
    func bareNeedsForce() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let r = try f.run("oc", ["adm", "drain", "infra-node-1.example.com", "--ignore-daemonsets", "--delete-local-data"])
        #expect(r.status == 1)
        #expect(r.stdout == "node/infra-node-1.example.com cordoned\n")
        #expect(r.stderr == """
            error: unable to drain node "infra-node-1.example.com", aborting command...

            There are pending nodes to be drained:
             infra-node-1.example.com
            error: pods not managed by ReplicationController, ReplicaSet, Job, DaemonSet or StatefulSet (use --force to override): debug-pod

            """)
        let s = try f.state()
        #expect(s.node("infra-node-1.example.com")?.schedulable == false)
        #expect(s.pods.contains { $0.name == "debug-pod" && $0.node == "infra-node-1.example.com" })
        let forced = try f.run("oc", ["adm", "drain", "infra-node-1.example.com", "--ignore-daemonsets", "--delete-local-data", "--force"])
        #expect(forced.status == 0)
        #expect(forced.stderr.contains("Deleting pods not managed by ReplicationController, ReplicaSet, Job, DaemonSet or StatefulSet: debug-pod"))
        #expect(try f.state().pods.contains { $0.name == "debug-pod" } == false)
    }

    @Test("refuses local data without --delete-local-data and daemon set pods without --ignore-daemonsets")
    func localDataAndDaemonSets() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let r = try f.run("oc", ["adm", "drain", "infra-node-0.example.com", "--force"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("DaemonSet-managed pods (use --ignore-daemonsets to ignore): sdn-"))
        #expect(r.stderr.contains("pods with local storage (use --delete-local-data to override): docker-registry-1-"))
        let ok = try f.run("oc", ["adm", "drain", "infra-node-0.example.com", "--ignore-daemonsets", "--delete-local-data",
                                  "--grace-period=30", "--timeout=60s"])
        #expect(ok.status == 0)
        #expect(ok.stdout.hasSuffix("node/infra-node-0.example.com drained\n"))
        let s = try f.state()
        #expect(s.pods.filter { $0.node == "infra-node-0.example.com" }.allSatisfy { $0.owner == .daemonSet("sdn") })
        // The registry keeps its replicas on the other infra nodes.
        #expect(s.pods.filter { $0.owner == .replicationController("docker-registry-1") && !$0.node.isEmpty }.count == 3)
    }

    @Test("an app node drains with --ignore-daemonsets alone; its pods move to the other app nodes")
    func appNode() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let r = try f.run("oc", ["adm", "drain", "node-1.example.com", "--ignore-daemonsets"])
        #expect(r.status == 0)
        let s = try f.state()
        #expect(s.pods.filter { $0.owner == .replicationController("frontend-1") }.allSatisfy { $0.node.hasPrefix("node-") && $0.node != "node-1.example.com" })
        #expect(s.pods.filter { $0.owner == .replicationController("frontend-1") }.count == 3)
    }

    @Test("a router evicted from an infra node stays Pending while no other infra node is free")
    func routerNeedsFreeInfraNode() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let r = try f.run("oc", ["adm", "drain", "infra-node-0.example.com", "--ignore-daemonsets", "--delete-local-data"])
        #expect(r.status == 0)
        var routers = try f.state().pods.filter { $0.owner == .replicationController("router-1") }
        #expect(routers.filter { $0.node.isEmpty }.count == 1)
        let dc = try f.run("oc", ["get", "dc", "router", "-n", "default"])
        #expect(dc.stdout.contains("router    1          3         2         config"))
        _ = try f.run("oc", ["adm", "uncordon", "infra-node-0.example.com"])
        routers = try f.state().pods.filter { $0.owner == .replicationController("router-1") }
        #expect(routers.allSatisfy { !$0.node.isEmpty })
    }

    @Test("bad flag values fail like kubectl")
    func badFlags() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let r = try f.run("oc", ["adm", "drain", "node-2.example.com", "--grace-period=soon"])
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("Error: invalid argument \"soon\" for \"--grace-period\" flag"))
        #expect(try f.state().node("node-2.example.com")?.schedulable == true)
    }
}
