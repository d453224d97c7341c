import Foundation
import Testing
@testable import SimulatorKit

/// Differences found by reading the sources of fidelity rows that still said "not read"
/// (docs/simulator.md): each test pins the real behaviour where the simulator answered otherwise.
@Suite("simulator fidelity (rows read in round three)")
struct RowsReadTests {
    @Test("openssl enc on a cluster host stops at the first option 1.0.2 does not know, -iter as well as -pbkdf2 (1.0.2 apps/enc.c MAIN)")
    func encFirstUnknownOption() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let iter = try f.run("openssl", ["enc", "-aes-256-cbc", "-iter", "100000", "-pbkdf2", "-in", "/etc/hosts", "-out", "/tmp/x"])
        #expect(iter.status == 1)
        #expect(iter.stderr == "unknown option '-iter'\n")
        let pbkdf2 = try f.run("openssl", ["enc", "-aes-256-cbc", "-pbkdf2", "-iter", "100000", "-in", "/etc/hosts", "-out", "/tmp/x"])
        #expect(pbkdf2.status == 1)
        #expect(pbkdf2.stderr == "unknown option '-pbkdf2'\n")
        #expect(f.tree("master-0.example.com").exists("/tmp/x") == false)
    }

    @Test("oc sa get-token prints the bare token (a newline only on a terminal) and wants one name (origin gettoken.go)")
    func getTokenBare() throws {
        let f = try SimFixture()
        defer { f.remove() }
        #expect(try f.run("oc", ["create", "serviceaccount", "puller", "-n", "myapp"]).status == 0)
        let token = try f.run("oc", ["sa", "get-token", "puller", "-n", "myapp"])
        #expect(token.status == 0)
        #expect(token.stdout.split(separator: ".").count == 3)
        #expect(!token.stdout.hasSuffix("\n"))
        let none = try f.run("oc", ["sa", "get-token", "-n", "myapp"])
        #expect(none.status == 1)
        #expect(none.stderr == "error: expected one service account name as an argument, got []\nSee 'oc serviceaccounts get-token -h' for help and examples.\n")
        let two = try f.run("oc", ["sa", "get-token", "a", "b", "-n", "myapp"])
        #expect(two.stderr.hasPrefix("error: expected one service account name as an argument, got [\"a\" \"b\"]\n"))
    }

    @Test("create route reads the service before the certificate files, takes one name and needs --service (origin create route)")
    func createRouteOrder() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let both = try f.run("oc", ["create", "route", "reencrypt", "r", "-n", "openshift-infra", "--service", "nope",
                                    "--dest-ca-cert", "/root/missing.crt"])
        #expect(both.status == 1)
        #expect(both.stderr == "Error from server (NotFound): services \"nope\" not found\n")
        let two = try f.run("oc", ["create", "route", "edge", "a", "b", "-n", "openshift-infra", "--service", "hawkular-metrics"])
        #expect(two.stderr == "error: multiple names provided. Please specify at most one\n")
        let none = try f.run("oc", ["create", "route", "edge", "a", "-n", "openshift-infra"])
        #expect(none.stderr == "error: you need to provide a service name via --service\n")
        #expect(try f.run("oc", ["get", "route", "r", "-n", "openshift-infra"]).status == 1)
    }

    @Test("v2 member remove checks the id against the member list first, then prints the server's refusal after its prefix without a newline (3.2.22 ctlv2 actionMemberRemove)")
    func v2MemberRemove() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let byName = try f.run("etcdctl2", ["member", "remove", "master-1.example.com"])
        #expect(byName.status == 1)
        #expect(byName.stderr == "Found a member named master-1.example.com; if this is correct, please use its ID, eg:\n\tetcdctl member remove 2a371dd20f21ca8d\n"
            + "For more details, read the documentation at https://github.com/coreos/etcd/blob/master/Documentation/runtime-configuration.md#remove-a-member\n\n"
            + "Couldn't find a member in the cluster with an ID of master-1.example.com.\n")
        try f.sim.inject(.unhealthyEtcd(host: "master-2.example.com"))
        let refused = try f.run("etcdctl2", ["member", "remove", "2a371dd20f21ca8d"])
        #expect(refused.status == 1)
        #expect(refused.stderr == "Received an error trying to remove member 2a371dd20f21ca8d: "
            + "client: etcd cluster is unavailable or misconfigured; error #0: etcdserver: unhealthy cluster")
        #expect(try f.state().etcdMembers.count == 3)
    }
}
