import Foundation
import Testing

/// grow-docker-storage rehearsed end to end in the simulator with the built binary, in both of
/// the guide's ways (7.1.2): a new disk, and an existing disk that was enlarged.
@Suite("grow-docker-storage rehearsal")
struct GrowDockerStorageRehearsalTests {
    static let node = "node-1.example.com"
    static let master = "master-1.example.com"
    static let manifests = ["apiserver.yaml", "controller.yaml", "etcd.yaml"]

    /// Docker and the node service run, the node is schedulable.
    func expectInService(_ state: [String: Any], _ host: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(ClusterComparison.serviceActive(state, host, "docker") == true, sourceLocation: sourceLocation)
        #expect(ClusterComparison.serviceActive(state, host, "atomic-openshift-node") == true, sourceLocation: sourceLocation)
        #expect(ClusterComparison.node(state, host)?["schedulable"] as? Bool == true, sourceLocation: sourceLocation)
    }

    @Test("add-disk: /dev/vdc joins the VG, the LV and XFS grow over it, the node is back in service")
    func addDisk() throws {
        let sim = try NodeRehearsal()
        let before = try sim.stateJSON()
        let result = sim.run("grow-docker-storage", ["node": Self.node, "device": "/dev/vdc"])
        #expect(result.status == 0, "\(result.output)")
        let after = try sim.stateJSON()
        #expect(ClusterComparison.vgSizeMiB(before, Self.node) == 20476)
        #expect(ClusterComparison.vgSizeMiB(after, Self.node) == 20476 + 40956)
        let storage = ClusterComparison.storage(after, Self.node)
        #expect(storage["physicalVolumes"] as? [String: Int] == ["/dev/vdb1": 20476, "/dev/vdc1": 40956])
        #expect(storage["lvSizeMiB"] as? Int == 61432)
        #expect(storage["fsSizeMiB"] as? Int == 61432)
        expectInService(after, Self.node)
        #expect(sim.file(Self.node, "/etc/sysconfig/docker-storage-setup")?.contains("DEVS=\"/dev/vdb /dev/vdc\"") == true)
        // The drain's evictions stay; nothing but this host's storage changed otherwise.
        ClusterComparison.expectEqualExceptEvictions(before: before, after: after, drained: Self.node, except: ["hosts"])
        sim.expectAuditIntact(try sim.onlyRun())
    }

    @Test("extend-existing on a master: pvresize after the disk grew; static pod manifests back in place")
    func extendExistingOnMaster() throws {
        let sim = try NodeRehearsal()
        try sim.growDisk(Self.master, "/dev/vdb", toMiB: 30720)
        let before = try sim.stateJSON()
        let result = sim.run("grow-docker-storage",
                             ["node": Self.master, "mode": "extend-existing", "device": "/dev/vdb1"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("✔ pods-aside@\(Self.master)"))
        #expect(result.output.contains("✔ etcd-healthy-after@master-0.example.com"))
        let after = try sim.stateJSON()
        #expect(ClusterComparison.vgSizeMiB(after, Self.master) == 30716)
        #expect(ClusterComparison.storage(after, Self.master)["lvSizeMiB"] as? Int == 30716)
        #expect(ClusterComparison.storage(after, Self.master)["fsSizeMiB"] as? Int == 30716)
        expectInService(after, Self.master)
        #expect(sim.listing(Self.master, "/etc/origin/node/pods") == Self.manifests)
        #expect(sim.listing(Self.master, "/etc/origin/node/pods-stopped") == [])
        // A master runs only static and DaemonSet pods: nothing was evicted, so every pod is as before.
        #expect(ClusterComparison.comparable(before, dropping: ["hosts"]) == ClusterComparison.comparable(after, dropping: ["hosts"]))
        sim.expectAuditIntact(try sim.onlyRun())
    }

    @Test("extend-existing on a master with no free extents: lvextend fails, everything is put back as before")
    func noFreeExtentsOnMasterRollsBack() throws {
        let sim = try NodeRehearsal()
        try sim.growDisk(Self.master, "/dev/vdb", toMiB: 30720)
        try sim.fault("no-free-extents", Self.master)
        let before = try sim.stateJSON()
        let manifestsBefore = Self.manifests.map { sim.file(Self.master, "/etc/origin/node/pods/\($0)") }
        let result = sim.run("grow-docker-storage",
                             ["node": Self.master, "mode": "extend-existing", "device": "/dev/vdb1"])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("✖ lvextend@\(Self.master)"))
        #expect(result.output.contains("↶ pods-aside@\(Self.master) rolled back"))
        #expect(result.output.contains("completed steps were rolled back"))
        let after = try sim.stateJSON()
        // pvresize found no extents to add, so even the volume group is as before; growpart's
        // grown partition stays (the runbook's docs: a grown partition is not shrunk back).
        #expect(ClusterComparison.comparable(after, dropping: ["hosts"]) == ClusterComparison.comparable(before, dropping: ["hosts"]))
        var hosts = (before["hosts"] as? [[String: Any]]) ?? []
        let i = try #require(hosts.firstIndex { $0["name"] as? String == Self.master })
        hosts[i]["partitions"] = ["/dev/vdb1": 30716]
        #expect(hosts.map { $0 as NSDictionary } == ((after["hosts"] as? [[String: Any]]) ?? []).map { $0 as NSDictionary })
        expectInService(after, Self.master)
        #expect(sim.listing(Self.master, "/etc/origin/node/pods") == Self.manifests)
        #expect(Self.manifests.map { sim.file(Self.master, "/etc/origin/node/pods/\($0)") } == manifestsBefore)
        // Left behind: the empty directory the guide's `mkdir -p` made (the rollback moves the
        // manifests back, it does not remove the directory).
        #expect(sim.listing(Self.master, "/etc/origin/node/pods-stopped") == [])
        sim.expectAuditIntact(try sim.onlyRun())
    }

    @Test("extend-existing but the disk was never enlarged: refused before the drain (growpart has nothing to grow), nothing changed")
    func diskNotEnlargedRefusedBeforeDrain() throws {
        let sim = try NodeRehearsal()
        let before = try sim.stateJSON()
        let result = sim.run("grow-docker-storage",
                             ["node": Self.master, "mode": "extend-existing", "device": "/dev/vdb1"])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("✖ room-to-grow@\(Self.master)"), "\(result.output)")
        #expect(!result.output.contains("drain/cordon"), "\(result.output)")
        #expect(ClusterComparison.comparable(try sim.stateJSON()) == ClusterComparison.comparable(before))
        #expect(sim.listing(Self.master, "/etc/origin/node/pods") == Self.manifests)
        sim.expectAuditIntact(try sim.onlyRun())
    }

    @Test("add-disk onto a disk smaller than min_added_mib: refused before the drain, nothing changed")
    func diskTooSmallRefusedBeforeDrain() throws {
        let sim = try NodeRehearsal()
        try sim.growDisk(Self.node, "/dev/vdc", toMiB: 512)
        let before = try sim.stateJSON()
        let devsBefore = sim.file(Self.node, "/etc/sysconfig/docker-storage-setup")
        let result = sim.run("grow-docker-storage", ["node": Self.node, "device": "/dev/vdc"])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("✖ new-disk-size@\(Self.node)"), "\(result.output)")
        #expect(result.output.contains("refusing: /dev/vdc is smaller than 1024 MiB"), "\(result.output)")
        #expect(ClusterComparison.comparable(try sim.stateJSON()) == ClusterComparison.comparable(before))
        #expect(sim.file(Self.node, "/etc/sysconfig/docker-storage-setup") == devsBefore)
        // The same disk passes with a lower floor (the check is the size, not the device).
        let accepted = sim.run("grow-docker-storage", ["node": Self.node, "device": "/dev/vdc", "min_added_mib": "256"])
        #expect(accepted.status == 0, "\(accepted.output)")
    }

    @Test("add-disk with no free extents: rollback restores DEVS, services, scheduling and takes the added, unused PV out again")
    func noFreeExtentsAddDisk() throws {
        let sim = try NodeRehearsal()
        try sim.fault("no-free-extents", Self.node)
        let before = try sim.stateJSON()
        let devsBefore = sim.file(Self.node, "/etc/sysconfig/docker-storage-setup")
        let result = sim.run("grow-docker-storage", ["node": Self.node, "device": "/dev/vdc"])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("↶ add-disk-devs@\(Self.node) rolled back"))
        let after = try sim.stateJSON()
        #expect(sim.file(Self.node, "/etc/sysconfig/docker-storage-setup") == devsBefore)
        expectInService(after, Self.node)
        #expect(result.output.contains("↶ add-disk-setup@\(Self.node) rolled back"), "\(result.output)")
        // docker-storage-setup made /dev/vdc1 a (here empty) physical volume of the VG; no extent
        // of it is used, so the rollback takes it out again: the hosts are exactly as before.
        #expect(ClusterComparison.storage(after, Self.node)["physicalVolumes"] as? [String: Int] == ["/dev/vdb1": 20476])
        ClusterComparison.expectEqualExceptEvictions(before: before, after: after, drained: Self.node)
        sim.expectAuditIntact(try sim.onlyRun())
    }

    @Test("kill -9 during the drain, then resume: same cluster as an uninterrupted add-disk run")
    func killAndResume() throws {
        let params = ["node": Self.node, "device": "/dev/vdc"]
        let reference = try NodeRehearsal()
        #expect(reference.run("grow-docker-storage", params).status == 0)

        let sim = try NodeRehearsal()
        try sim.fault("command-fails", "oc", "adm drain", "1")
        let run = try sim.runAndKill("grow-docker-storage", params, at: "attemptFinished", step: "drain/drain@") {
            $0["status"] as? String == "exit 1"
        }
        sim.expectAuditIntact(run)
        let resumed = sim.resume(run)
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(resumed.output.contains("✔ vg-grew@\(Self.node)"))
        sim.expectAuditIntact(run)
        #expect(ClusterComparison.comparable(try sim.stateJSON()) == ClusterComparison.comparable(try reference.stateJSON()))
        #expect(sim.file(Self.node, "/etc/sysconfig/docker-storage-setup") == reference.file(Self.node, "/etc/sysconfig/docker-storage-setup"))
    }

    @Test("kill -9 inside docker-storage-setup: resume asks for --rerun/--skip, then --rerun reaches the same cluster")
    func killInNonIdempotentStep() throws {
        let params = ["node": Self.node, "device": "/dev/vdc"]
        let reference = try NodeRehearsal()
        #expect(reference.run("grow-docker-storage", params).status == 0)

        let sim = try NodeRehearsal()
        let held = try sim.hold("docker-storage-setup")
        let child = try CLI.start(sim.runArguments("grow-docker-storage", params))
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, !FileManager.default.fileExists(atPath: held.pidFile), child.isRunning { usleep(20_000) }
        child.send(SIGKILL)
        _ = child.waitUntilExit()
        held.release()
        let run = try sim.onlyRun()
        sim.expectAuditIntact(run)
        // The attempt's process is journaled before the held tool starts.
        #expect(sim.journal(run).last?["event"] as? String == "attemptProcess")
        #expect(sim.journal(run).last?["step"] as? String == "add-disk-setup@\(Self.node)")

        // docker-storage-setup is neither idempotent nor verifiable: resume will not guess.
        let asked = sim.resume(run)
        #expect(asked.status == 2, "\(asked.output)")
        #expect(asked.output.contains("error: cannot tell whether these were done when the run stopped: add-disk-setup@\(Self.node)"))
        #expect(asked.output.contains("hint: check by hand, then resume with --rerun add-disk-setup or --skip add-disk-setup"))
        sim.expectAuditIntact(run)

        // It never ran (the held tool was killed before doing anything): run it again.
        let resumed = sim.resume(run, ["--rerun", "add-disk-setup"])
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(resumed.output.contains("✔ add-disk-setup@\(Self.node)"))
        #expect(!resumed.output.contains("▶ stop-docker@"), "completed steps are not run again")
        sim.expectAuditIntact(run)
        #expect(sim.journal(run).contains { $0["event"] as? String == "operatorDecision" })
        #expect(ClusterComparison.comparable(try sim.stateJSON()) == ClusterComparison.comparable(try reference.stateJSON()))
        #expect(sim.file(Self.node, "/etc/sysconfig/docker-storage-setup") == reference.file(Self.node, "/etc/sysconfig/docker-storage-setup"))
    }
}
