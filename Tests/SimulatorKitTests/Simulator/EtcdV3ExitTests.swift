import Foundation
import Testing
@testable import SimulatorKit

/// etcdctl v3's error lines and exit codes as etcd v3.2.22 prints them: `ExitWithError`
/// (etcdctl/ctlv3/command/error.go) writes `Error: ` and the error with `Fprintln`, so two spaces,
/// and exits with the code its caller chose; cobra's own refusals come first with one space.
@Suite("etcdctl v3 errors (ExitWithError, v3.2.22)")
struct EtcdV3ExitTests {
    // A refused `member add` (two spaces, exit 1) is pinned in EtcdTests.addToDegradedCluster.
    @Test("endpoint health's verdict: the failed endpoints, then Error:  unhealthy cluster, ExitError 1 (ep_command.go)")
    func unhealthyVerdict() throws {
        let f = try SimFixture()
        defer { f.remove() }
        try f.sim.inject(.unhealthyEtcd(host: "master-2.example.com"))
        let health = try f.run("etcdctl3", ["--endpoints=https://master-2.example.com:2379", "endpoint", "health"])
        #expect(health.status == 1)
        #expect(health.stderr.hasSuffix("context deadline exceeded\nError:  unhealthy cluster\n"))
    }

    @Test("no member answers: mustClient's ExitBadConnection, 2")
    func noConnection() throws {
        let f = try SimFixture()
        defer { f.remove() }
        try f.disable("etcd", on: "master-1.example.com")
        let list = try f.run("etcdctl", ["--endpoints=https://master-1.example.com:2379", "member", "list"],
                             env: ["ETCDCTL_API": "3"])
        #expect(list.status == 2)
        #expect(list.stderr == "Error:  context deadline exceeded\n")
        let put = try f.run("etcdctl", ["--endpoints=https://master-1.example.com:2379", "put", "k", "v"],
                            env: ["ETCDCTL_API": "3"])
        #expect(put.status == 2)
        #expect(put.stderr == "Error:  context deadline exceeded\n")
    }

    @Test("argument errors are ExitBadArgs, 128, before any connection")
    func badArguments() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let name = try f.run("etcdctl3", ["member", "add"])
        #expect(name.status == 128)
        #expect(name.stderr == "Error:  member name not provided.\n")
        let urls = try f.run("etcdctl3", ["member", "add", "x"])
        #expect(urls.status == 128)
        #expect(urls.stderr == "Error:  member peer urls not provided.\n")
        let id = try f.run("etcdctl3", ["member", "remove"])
        #expect(id.status == 128)
        #expect(id.stderr == "Error:  member ID is not provided\n")
        let hex = try f.run("etcdctl3", ["member", "remove", "master-0"])
        #expect(hex.status == 128)
        #expect(hex.stderr == "Error:  bad member ID arg (strconv.ParseUint: parsing \"master-0\": invalid syntax), expecting ID in Hex\n")
        let save = try f.run("etcdctl3", ["snapshot", "save"])
        #expect(save.status == 128)
        #expect(save.stderr == "Error:  snapshot save expects one argument\n")
        #expect(try f.state().etcdMembers.count == 3)
    }

    @Test("an unknown --write-out is ExitBadFeature, 4 (global.go initDisplayFromCmd)")
    func unsupportedOutputFormat() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let r = try f.run("etcdctl3", ["member", "list", "-w", "yaml"])
        #expect(r.status == 4)
        #expect(r.stderr == "Error:  unsupported output format\n")
    }

    @Test("cobra refuses an unknown flag or command first (one space), then Start's ExitWithError (two)")
    func cobraRefusals() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let flag = try f.run("etcdctl3", ["endpoint", "health", "--cluster"])
        #expect(flag.status == 1)
        #expect(flag.stderr == "Error: unknown flag: --cluster\n\nError:  unknown flag: --cluster\n")
        let command = try f.run("etcdctl3", ["status"])
        #expect(command.status == 1)
        #expect(command.stderr == "Error: unknown command \"status\" for \"etcdctl\"\nRun 'etcdctl --help' for usage.\nError:  unknown command \"status\" for \"etcdctl\"\n")
    }
}
