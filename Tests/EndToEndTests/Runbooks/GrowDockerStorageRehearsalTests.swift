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
        // pvresize found no extents to add, so even the volume group is as before.
        #expect(ClusterComparison.comparable(after) == ClusterComparison.comparable(before))
        expectInService(after, Self.master)
        #expect(sim.listing(Self.master, "/etc/origin/node/pods") == Self.manifests)
        #expect(Self.manifests.map { sim.file(Self.master, "/etc/origin/node/pods/\($0)") } == manifestsBefore)
        // Left behind: the empty directory the guide's `mkdir -p` made (the rollback moves the
        // manifests back, it does not remove the directory).
        #expect(sim.listing(Self.master, "/etc/origin/node/pods-stopped") == [])
        sim.expectAuditIntact(try sim.onlyRun())
    }

    @Test("extend-existing but the disk was never enlarged: vg-grew fails last; the whole chain is rolled back, uncordon included")
    func diskNotEnlargedRollsBackEverything() throws {
        let sim = try NodeRehearsal()
        let before = try sim.stateJSON()
        let result = sim.run("grow-docker-storage",
                             ["node": Self.master, "mode": "extend-existing", "device": "/dev/vdb1"])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("✖ failed at vg-grew@\(Self.master)"))
        // Most recent first: the sub-runbooks' steps are undone in order with the parent's.
        let order = ["uncordon/uncordon@master-0.example.com", "pods-restore@\(Self.master)", "stop-node-service@\(Self.master)",
                     "pods-aside@\(Self.master)", "stop-docker@\(Self.master)", "drain/cordon@master-0.example.com"]
        let positions = order.map { result.output.range(of: "↶ \($0) rolled back")?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil }, "\(result.output)")
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())
        let after = try sim.stateJSON()
        expectInService(after, Self.master)
        #expect(sim.listing(Self.master, "/etc/origin/node/pods") == Self.manifests)
        #expect(sim.listing(Self.master, "/etc/origin/node/pods-stopped") == [])
        // The runbook's docs: the XFS file system cannot be shrunk back. lvextend had taken the
        // VG's existing free space (20476 - 15360 MiB), so the LV and XFS keep that; nothing else differs.
        #expect(ClusterComparison.comparable(before, dropping: ["hosts"]) == ClusterComparison.comparable(after, dropping: ["hosts"]))
        var hosts = (before["hosts"] as? [[String: Any]]) ?? []
        let i = try #require(hosts.firstIndex { $0["name"] as? String == Self.master })
        var storage = try #require(hosts[i]["storage"] as? [String: Any])
        #expect(storage["lvSizeMiB"] as? Int == 15360)
        storage["lvSizeMiB"] = 20476
        storage["fsSizeMiB"] = 20476
        hosts[i]["storage"] = storage
        #expect(hosts.map { $0 as NSDictionary } == ((after["hosts"] as? [[String: Any]]) ?? []).map { $0 as NSDictionary })
        sim.expectAuditIntact(try sim.onlyRun())
    }

    @Test("add-disk with no free extents: rollback restores DEVS, services, scheduling; the added PV stays (documented)")
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
        // The runbook's docs: it "cannot shrink the volume group back ... once storage was added it
        // stays": docker-storage-setup made /dev/vdc1 a (here empty) physical volume of the VG.
        var hostsBefore = (before["hosts"] as? [[String: Any]]) ?? []
        let i = try #require(hostsBefore.firstIndex { $0["name"] as? String == Self.node })
        var storage = try #require(hostsBefore[i]["storage"] as? [String: Any])
        storage["physicalVolumes"] = ["/dev/vdb1": 20476, "/dev/vdc1": 0]
        hostsBefore[i]["storage"] = storage
        #expect(hostsBefore.map { $0 as NSDictionary } == ((after["hosts"] as? [[String: Any]]) ?? []).map { $0 as NSDictionary })
        ClusterComparison.expectEqualExceptEvictions(before: before, after: after, drained: Self.node, except: ["hosts"])
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
