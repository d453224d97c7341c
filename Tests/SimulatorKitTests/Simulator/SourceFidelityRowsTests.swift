import Foundation
import Testing
@testable import SimulatorKit

/// Differences found by reading the sources of the fidelity table's last rows that had not been
/// read (docs/simulator.md): each test pins the real behaviour where the simulator answered otherwise.
@Suite("simulator fidelity (remaining rows read)")
struct SourceFidelityRowsTests {
    @Test("snapshot save opens FILE.part before it connects: a missing directory is exit 128 (3.2.22 snapshot_command.go)")
    func snapshotSaveMissingDirectory() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let r = try f.run("etcdctl3", ["snapshot", "save", "/nowhere/snapshot.db"])
        #expect(r.status == 128)
        #expect(r.stderr == "Error:  could not open /nowhere/snapshot.db.part (open /nowhere/snapshot.db.part: no such file or directory)\n")
        #expect(f.tree("master-0.example.com").exists("/nowhere") == false)
    }

    @Test("put and get argument errors are ExitBadArgs, 128 (3.2.22 put_command.go getPutOp, get_command.go getGetOp)")
    func putGetArgumentErrors() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let put = try f.run("etcdctl3", ["put"])
        #expect(put.status == 128)
        #expect(put.stderr == "Error:  put command needs 1 argument and input from stdin or 2 arguments.\n")
        let get = try f.run("etcdctl3", ["get"])
        #expect(get.status == 128)
        #expect(get.stderr == "Error:  range command needs arguments.\n")
        #expect((try f.state().etcdRevision ?? 1) == 1)
    }

    @Test("a joining member's ETCD_INITIAL_CLUSTER must name every member by peer URL (3.2.22 ValidateClusterAndAssignIDs)")
    func joinNeedsTheWholeCluster() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let host = "new-etcd-0.example.com"
        let add = try f.run("etcdctl3", ["member", "add", host, "--peer-urls=https://192.168.55.20:2380"])
        #expect(add.status == 0)
        #expect(try f.run("yum", ["install", "-y", "etcd"], on: host).status == 0)
        let onlyItself = "ETCD_INITIAL_CLUSTER=\(host)=https://192.168.55.20:2380"
        try f.tree(host).write("/etc/etcd/etcd.conf", EtcdConfFixture.text(name: host, ip: "192.168.55.20", cluster: onlyItself))
        let start = try f.run("systemctl", ["start", "etcd"], on: host)
        #expect(start.status != 0)
        #expect(try f.state().etcdMembers.last?.started == false)
        try f.tree(host).write("/etc/etcd/etcd.conf", EtcdConfFixture.text(name: host, ip: "192.168.55.20", cluster: add.stdout))
        #expect(try f.run("systemctl", ["start", "etcd"], on: host).status == 0)
        #expect(try f.state().etcdMembers.last?.started == true)
    }

    @Test("set volume: the volume already using the claim is no conflict (an unchanged template: no rollout); --claim-size for an existing claim still patches the dc, then exits 1 (origin pkg/oc/cli/set/volume.go)")
    func setVolumeExistingClaim() throws {
        let f = try SimFixture()
        defer { f.remove() }
        _ = try OcVolumeTests.demo(f)
        let mount = OcVolumeTests.mount
        let revision = { try #require(try f.state().controllers.first { $0.name == "demo" }).revision }
        #expect(try revision() == 2)
        let same = try f.run("oc", ["-n", "myapp", "set", "volume", "dc/demo", "--add", "--name=persistent-volume",
                                    "--type=pvc", "--claim-name=filestore", "--mount-path=\(mount)"])
        #expect(same.status == 0, "\(same.stderr)")
        #expect(same.stdout == "")
        #expect(try revision() == 2)
        let sized = try f.run("oc", ["-n", "myapp", "set", "volume", "dc/demo", "--add", "--name=persistent-volume",
                                     "--type=pvc", "--claim-name=filestore", "--claim-size=2Gi", "--mount-path=/data"])
        #expect(sized.status == 1)
        #expect(sized.stdout == "deploymentconfig.apps.openshift.io/demo volume updated\n")
        #expect(sized.stderr == "error: failed to patch volume update to pod template: persistentvolumeclaims \"filestore\" already exists\n")
        #expect(try revision() == 3)
        #expect(try f.state().controllers.first { $0.name == "demo" }?.volumes?.map(\.mountPath) == ["/data"])
        #expect(try f.state().claims?.first { $0.name == "filestore" }?.size == "1Gi")
    }

    @Test("new-project refuses the reserved names and prefixes as Forbidden before the existence check (origin projectrequest/delegated.go)")
    func newProjectReservedNames() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let name = try f.run("oc", ["new-project", "openshift"])
        #expect(name.status == 1)
        #expect(name.stderr == "Error from server (Forbidden): project.project.openshift.io \"openshift\" is forbidden: cannot request a project with the name \"openshift\"\n")
        let prefix = try f.run("oc", ["new-project", "kube-system"])
        #expect(prefix.status == 1)
        #expect(prefix.stderr == "Error from server (Forbidden): project.project.openshift.io \"kube-system\" is forbidden: cannot request a project starting with \"kube-\"\n")
        #expect(try f.run("oc", ["new-project", "default"]).stderr.contains("(AlreadyExists)"))
    }

    @Test("the import whitelist compares ports: a domain without one stands for :443 (origin whitelist/whitelister.go)")
    func whitelistPorts() throws {
        let f = try SimFixture()
        defer { f.remove() }
        try OcImageImportTests().restrict(f, to: ["registry.example.com", "other.example.com:*"])
        #expect(try f.run("oc", ["import-image", "a:1", "--from=registry.example.com/x/a:1", "--confirm"]).status == 0)
        #expect(try f.run("oc", ["import-image", "b:1", "--from=registry.example.com:443/x/b:1", "--confirm"]).status == 0)
        let other = try f.run("oc", ["import-image", "c:1", "--from=registry.example.com:5000/x/c:1", "--confirm"])
        #expect(other.status == 1)
        #expect(other.stderr == "The ImageStream \"c\" is invalid: spec.tags[1].from.name: Forbidden: registry \"registry.example.com:5000\" not allowed by whitelist: \"registry.example.com:443\", \"other.example.com:*\"\n")
        #expect(try f.run("oc", ["import-image", "d:1", "--from=other.example.com:5000/x/d:1", "--confirm"]).status == 0)
    }

    @Test("yum install: an unknown plain name alone is 'Error: Nothing to do', exit 1; with a matched one it is exit 0 (yum cli.py installPkgs)")
    func yumNothingToDo() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let host = "node-0.example.com"
        let unknown = try f.run("yum", ["install", "-y", "no-such-package"], on: host)
        #expect(unknown.status == 1)
        #expect(unknown.stdout == "No package no-such-package available.\n")
        #expect(unknown.stderr == "Error: Nothing to do\n")
        #expect(try f.run("yum", ["install", "-y", "chrony"], on: host).status == 0)
        let mixed = try f.run("yum", ["install", "-y", "chrony", "no-such-package"], on: host)
        #expect(mixed.status == 0, "\(mixed.stderr)")
        #expect(mixed.stdout.hasSuffix("No package no-such-package available.\nNothing to do\n"))
    }

    @Test("oc -n NS exec POD -- CMD is exec too: global flags before the verb (kubectl's flag parsing)")
    func execAfterGlobalFlags() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let r = try f.sh("oc -n kube-system exec master-etcd-master-2.example.com -c etcd -- hostname")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "master-2.example.com\n")
        let long = try f.sh("oc --namespace=kube-system exec master-etcd-master-1.example.com -c etcd -- hostname")
        #expect(long.stdout == "master-1.example.com\n")
    }
}
