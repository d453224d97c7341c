import Foundation
import Testing
@testable import SimulatorKit

@Suite("oc adm drain")
struct DrainTests {
    @Test("refuses a bare pod without --force, after cordoning, and lists it")
    func bareNeedsForce() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let r = try f.run("oc", ["adm", "drain", "node-1.example.com", "--ignore-daemonsets"])
        #expect(r.code == 1)
        #expect(r.stdout == "node/node-1.example.com cordoned\n")
        #expect(r.stderr == """
            error: unable to drain node "node-1.example.com", aborting command...

            There are pending nodes to be drained:
             node-1.example.com
            error: pods not managed by ReplicationController, ReplicaSet, Job, DaemonSet or StatefulSet (use --force to override): debug-pod

            """)
        let s = try f.state()
        #expect(s.node("node-1.example.com")?.schedulable == false)
        #expect(s.pods.contains { $0.name == "debug-pod" && $0.node == "node-1.example.com" })
    }

    @Test("refuses local data without --delete-local-data and daemon set pods without --ignore-daemonsets")
    func localDataAndDaemonSets() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let r = try f.run("oc", ["adm", "drain", "node-0.example.com", "--force"])
        #expect(r.code == 1)
        #expect(r.stderr.contains("DaemonSet-managed pods (use --ignore-daemonsets to ignore): sdn-"))
        #expect(r.stderr.contains("pods with local storage (use --delete-local-data to override): cache-1-"))
        let ok = try f.run("oc", ["adm", "drain", "node-0.example.com", "--ignore-daemonsets", "--delete-local-data",
                                  "--grace-period=30", "--timeout=60s"])
        #expect(ok.code == 0)
        #expect(ok.stdout.hasSuffix("node/node-0.example.com drained\n"))
        let s = try f.state()
        #expect(s.pods.filter { $0.node == "node-0.example.com" }.allSatisfy { $0.owner == .daemonSet("sdn") })
        // Controllers keep their replicas on the other app nodes.
        #expect(s.pods.filter { $0.owner == .replicationController("frontend-1") && !$0.node.isEmpty }.count == 3)
        #expect(s.pods.first { $0.owner == .replicationController("cache-1") }?.node.hasPrefix("node-") == true)
    }

    @Test("a router evicted from an infra node stays Pending while no other infra node is free")
    func routerNeedsFreeInfraNode() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let r = try f.run("oc", ["adm", "drain", "infra-node-0.example.com", "--ignore-daemonsets", "--delete-local-data"])
        #expect(r.code == 0)
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
        #expect(r.code == 1)
        #expect(r.stderr.hasPrefix("Error: invalid argument \"soon\" for \"--grace-period\" flag"))
        #expect(try f.state().node("node-2.example.com")?.schedulable == true)
    }
}
