import Foundation
import Testing
@testable import SimulatorKit

@Suite("oc volumes: claims, set volume, rsync")
struct OcVolumeTests {
    static let mount = "/opt/app-root/src/uploaded"

    /// dc/demo in myapp with claim filestore mounted at the guide's path; returns its running pod.
    static func demo(_ f: SimFixture) throws -> String {
        #expect(try f.run("oc", ["-n", "myapp", "create", "deploymentconfig", "demo", "--image=registry.example.com/demo:1"]).status == 0)
        let set = try f.run("oc", ["-n", "myapp", "set", "volume", "dc/demo", "--add", "--name=persistent-volume",
                                   "--type=persistentVolumeClaim", "--claim-name=filestore", "--claim-size=1Gi",
                                   "--mount-path=\(mount)"])
        #expect(set.status == 0)
        #expect(set.stdout == "persistentvolumeclaims/filestore\ndeploymentconfig.apps.openshift.io/demo volume updated\n")
        return try #require(try f.state().pods.first { $0.labels["deploymentconfig"] == "demo" && !$0.node.isEmpty }?.name)
    }

    @Test("set volume --claim-size creates a Bound claim, rolls out revision 2 and shows the mount in the dc")
    func setVolumeRollsOut() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let pod = try Self.demo(f)
        #expect(pod.hasPrefix("demo-2-"))
        let pvc = try f.run("oc", ["-n", "myapp", "get", "pvc", "filestore", "--no-headers"])
        #expect(pvc.status == 0)
        #expect(pvc.stdout.hasPrefix("filestore   Bound     pvc-"))
        #expect(pvc.stdout.contains("   1Gi       RWO       glusterfs-storage   1m\n"))
        let path = try f.run("oc", ["-n", "myapp", "get", "dc/demo", "-o",
                                    "jsonpath={ .spec.template.spec.containers[?(@.name==\"demo\")].volumeMounts[?(@.name==\"persistent-volume\")].mountPath }"])
        #expect(path.stdout == Self.mount)
        let again = try f.run("oc", ["-n", "myapp", "set", "volume", "dc/demo", "--add", "--name=persistent-volume",
                                     "--type=pvc", "--claim-name=other", "--mount-path=\(Self.mount)"])
        #expect(again.status == 1)
        #expect(again.stderr == "error: volume 'persistent-volume' already exists. Use --overwrite to replace\n")
        let over = try f.run("oc", ["-n", "myapp", "set", "volume", "dc/demo", "--add", "--name=persistent-volume",
                                    "--type=pvc", "--claim-name=other", "--mount-path=\(Self.mount)", "--overwrite"])
        #expect(over.status == 0)
        // The claim "other" does not exist: the new pod stays Pending (unbound claim), the old one is gone.
        let pods = try f.state().pods.filter { $0.labels["deploymentconfig"] == "demo" }
        #expect(pods.count == 1)
        #expect(pods.first?.name.hasPrefix("demo-3-") == true)
        #expect(pods.first?.node == "")
        let pending = try f.run("oc", ["-n", "myapp", "rsync", "\(pods.first?.name ?? ""):\(Self.mount)", "/tmp/x/"])
        #expect(pending.status == 1)
        #expect(pending.stderr.contains("does not have a host assigned"))
    }

    @Test("rsync copies a directory out of the pod's claim and back with --delete; paths outside the volume fail")
    func rsyncBothWays() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let pod = try Self.demo(f)
        let master = f.tree("master-0.example.com")
        try master.write("/seed/ocp_sop.txt", "sop\n")
        try master.write("/seed/sub/a.txt", "a\n")
        let up = try f.run("oc", ["-n", "myapp", "rsync", "/seed/", "\(pod):\(Self.mount)/"])
        #expect(up.status == 0)
        #expect(up.stdout.hasPrefix("sending incremental file list\n./\nocp_sop.txt\nsub/\nsub/a.txt\n"))
        let down = try f.run("oc", ["-n", "myapp", "rsync", "\(pod):\(Self.mount)", "/backup/"])
        #expect(down.status == 0)
        #expect(down.stdout.hasPrefix("receiving incremental file list\nuploaded/\nuploaded/ocp_sop.txt\n"))
        #expect(master.read("/backup/uploaded/sub/a.txt") == "a\n")
        try master.write("/restore/only.txt", "only\n")
        let del = try f.run("oc", ["-n", "myapp", "rsync", "--delete", "/restore/", "\(pod):\(Self.mount)/"])
        #expect(del.status == 0)
        #expect(del.stdout.contains("deleting ocp_sop.txt\n"))
        let check = try f.run("oc", ["-n", "myapp", "rsync", "-q", "\(pod):\(Self.mount)/", "/check/"])
        #expect(check.status == 0 && check.stdout.isEmpty)
        #expect(master.list("/check") == ["only.txt"])
        let outside = try f.run("oc", ["-n", "myapp", "rsync", "\(pod):/etc", "/backup/"])
        #expect(outside.status == 1)
        #expect(outside.stderr.hasPrefix("rsync: change_dir \"/etc\" failed: No such file or directory (2)\n"))
        let missing = try f.run("oc", ["-n", "myapp", "rsync", "nosuch-1-abcde:\(Self.mount)", "/backup/"])
        #expect(missing.status == 1)
        #expect(missing.stderr == "Error from server (NotFound): pods \"nosuch-1-abcde\" not found\n")
        let local = try f.run("oc", ["-n", "myapp", "rsync", "/seed/", "/other/"])
        #expect(local.status == 1)
    }
}
