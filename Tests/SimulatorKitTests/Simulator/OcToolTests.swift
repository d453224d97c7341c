import Foundation
import Testing
@testable import SimulatorKit

@Suite("oc")
struct OcToolTests {
    @Test("oc get nodes lists the guide's nine hosts, Ready, with roles")
    func getNodes() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let r = try f.run("oc", ["get", "nodes"])
        #expect(r.status == 0)
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.first == "NAME                       STATUS    ROLES     AGE       VERSION")
        #expect(lines.count == 10)
        #expect(lines.contains("node-0.example.com         Ready     compute   3d        v1.11.0+d4cacc0"))
        #expect(lines.contains("infra-node-2.example.com   Ready     infra     3d        v1.11.0+d4cacc0"))
        #expect(lines.contains("master-1.example.com       Ready     master    3d        v1.11.0+d4cacc0"))
        let infra = try f.run("oc", ["get", "nodes", "-l", "node-role.kubernetes.io/infra=true", "-o", "name"])
        #expect(infra.stdout == "node/infra-node-0.example.com\nnode/infra-node-1.example.com\nnode/infra-node-2.example.com\n")
    }

    @Test("manage-node --schedulable=false marks the node and prints it SchedulingDisabled")
    func manageNodeSchedulable() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let r = try f.run("oc", ["adm", "manage-node", "node-1.example.com", "--schedulable=false"])
        #expect(r.status == 0)
        #expect(r.stdout == "NAME                 STATUS                     ROLES     AGE       VERSION\nnode-1.example.com   Ready,SchedulingDisabled   compute   3d        v1.11.0+d4cacc0\n")
        #expect(try f.state().node("node-1.example.com")?.schedulable == false)
        let back = try f.run("oc", ["adm", "manage-node", "node-1.example.com", "--schedulable=true"])
        #expect(back.status == 0)
        #expect(try f.state().node("node-1.example.com")?.schedulable == true)
    }

    @Test("manage-node --list-pods prints the guide's heading and the node's pods")
    func listPods() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let r = try f.run("oc", ["adm", "manage-node", "infra-node-0.example.com", "--list-pods"])
        #expect(r.stdout.hasPrefix("\nListing matched pods on node: infra-node-0.example.com\n\nNAME "))
        #expect(r.stdout.contains("router-1-"))
        #expect(r.stdout.contains("docker-registry-1-"))
        let bad = try f.run("oc", ["adm", "manage-node", "nosuch", "--list-pods"])
        #expect(bad.status == 1)
        #expect(bad.stderr == "Error from server (NotFound): nodes \"nosuch\" not found\n")
    }

    @Test("deploymentconfigs, endpoints and scale look like the guide")
    func dcAndEndpoints() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let dc = try f.run("oc", ["-n", "default", "get", "deploymentconfigs/router"])
        #expect(dc.stdout == "NAME      REVISION   DESIRED   CURRENT   TRIGGERED BY\nrouter    1          3         3         config\n")
        let ep = try f.run("oc", ["get", "endpoints", "kubernetes", "-n", "default"])
        #expect(ep.stdout.contains("kubernetes   192.168.55.8:8443,192.168.55.12:8443,192.168.55.13:8443   3d"))
        let scale = try f.run("oc", ["scale", "dc/router", "--replicas", "2", "-n", "default"])
        #expect(scale.stdout == "deploymentconfig \"router\" scaled\n")
        #expect(try f.state().pods.filter { $0.owner == .replicationController("router-1") }.count == 2)
        let missing = try f.run("oc", ["scale", "dc/router"])
        #expect(missing.status == 1)
    }

    @Test("-o json and -o jsonpath")
    func jsonOutput() throws {
        let f = try SimFixture()
        defer { f.remove() }
        _ = try f.run("oc", ["adm", "cordon", "node-2.example.com"])
        let json = try f.run("oc", ["get", "nodes", "-o", "json"])
        let doc = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect((doc?["items"] as? [Any])?.count == 9)
        let path = try f.run("oc", ["get", "node", "node-2.example.com", "-o", "jsonpath={.spec.unschedulable}"])
        #expect(path.stdout == "true")
        let names = try f.run("oc", ["get", "pods", "-n", "default", "--field-selector", "spec.nodeName=infra-node-1.example.com",
                                     "-o", "jsonpath={range .items[*]}{.metadata.name}{\"\\n\"}{end}"])
        #expect(names.stdout.split(separator: "\n").contains("debug-pod"))
        let ready = try f.run("oc", ["get", "nodes", "-o", "jsonpath={.items[0].status.conditions[?(@.type==\"Ready\")].status}"])
        #expect(ready.stdout == "True")
    }

    @Test("unknown flags and commands fail like oc")
    func badUsage() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let r = try f.run("oc", ["get", "nodes", "--bogus"])
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("Error: unknown flag: --bogus"))
        let c = try f.run("oc", ["frobnicate"])
        #expect(c.status == 1)
        #expect(c.stderr.hasPrefix("Error: unknown command \"frobnicate\" for \"oc\""))
    }
}
