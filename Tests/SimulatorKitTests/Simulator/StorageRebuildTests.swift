import Foundation
import Testing
@testable import SimulatorKit

/// lvremove, vgremove, pvremove of an orphan, wipefs -a and docker-storage-setup creating the
/// storage again: the teardown and set-up of the guide's storage backend change (7.1.3).
@Suite("simulator storage rebuild (7.1.3)")
struct StorageRebuildTests {
    let node = "node-1.example.com"

    func devicemapper() throws -> SimFixture {
        var d = ClusterDescription.default
        d.storageDriver = "devicemapper"
        return try SimFixture(d)
    }

    @Test("lvremove refuses while docker holds the pool, and without -y; vgremove/pvremove then leave an orphan PV and a partition table")
    func teardown() throws {
        let f = try devicemapper()
        defer { f.remove() }
        let busy = try f.run("lvremove", ["/dev/docker-vg/docker-pool", "-y"], on: node)
        #expect(busy.status == 5)
        #expect(busy.stderr == "  Logical volume docker-vg/docker-pool in use.\n")
        #expect(try f.run("systemctl", ["stop", "docker"], on: node).status == 0)
        let unanswered = try f.run("lvremove", ["/dev/docker-vg/docker-pool"], on: node)
        #expect(unanswered.status == 5)
        #expect(unanswered.stderr.hasSuffix("  Logical volume docker-vg/docker-pool not removed.\n"))
        let wrongVG = try f.run("lvremove", ["/dev/docker_vol/docker-pool", "-y"], on: node)
        #expect(wrongVG.status == 5)
        #expect(wrongVG.stderr == "  Volume group \"docker_vol\" not found\n  Cannot process volume group docker_vol\n")

        let lv = try f.run("lvremove", ["/dev/docker-vg/docker-pool", "-y"], on: node)
        #expect(lv.status == 0)
        #expect(lv.stdout == "  Logical volume \"docker-pool\" successfully removed\n")
        let lvs = try f.run("lvs", ["docker-vg/docker-pool"], on: node)
        #expect(lvs.status == 5)
        #expect(lvs.stderr == "  Failed to find logical volume \"docker-vg/docker-pool\"\n")
        #expect(try f.run("lvs", [], on: node).stdout == "")
        #expect(try f.run("lvremove", ["/dev/docker-vg/docker-pool", "-y"], on: node).status == 5)

        // The PV is still in the group: pvremove refuses, wipefs finds the disk busy.
        #expect(try f.run("pvremove", ["/dev/vdb1", "-y"], on: node).status == 5)
        let busyDisk = try f.run("wipefs", ["-a", "/dev/vdb"], on: node)
        #expect(busyDisk.status == 1)
        #expect(busyDisk.stderr == "wipefs: error: /dev/vdb: probing initialization failed: Device or resource busy\n")

        let vg = try f.run("vgremove", ["docker-vg", "-y"], on: node)
        #expect(vg.status == 0)
        #expect(vg.stdout == "  Volume group \"docker-vg\" successfully removed\n")
        #expect(try f.run("vgs", ["docker-vg"], on: node).status == 5)
        #expect(try f.run("vgs", [], on: node).stdout == "")
        let orphan = try f.run("pvs", ["--noheadings", "-o", "pv_name,vg_name,pv_attr", "/dev/vdb1"], on: node)
        #expect(orphan.status == 0)
        #expect(orphan.stdout == "  /dev/vdb1  ---\n")

        let pv = try f.run("pvremove", ["/dev/vdb1", "-y"], on: node)
        #expect(pv.status == 0)
        #expect(pv.stdout == "  Labels on physical volume \"/dev/vdb1\" successfully wiped.\n")
        #expect(try f.run("pvs", ["/dev/vdb1"], on: node).status == 5)
        #expect(try f.state().host(node)?.partitionedDisks == ["/dev/vdb"])
        #expect(try f.run("wipefs", ["-p", "/dev/vdb"], on: node).stdout == "# offset,uuid,label,type\n0x1fe,,,dos\n")
    }

    @Test("docker-storage-setup refuses a driver change while docker-storage names the old one, and a disk with a partition table; wipefs -a erases it")
    func setUpRefusals() throws {
        let f = try devicemapper()
        defer { f.remove() }
        try f.sh("systemctl stop docker && lvremove -y /dev/docker-vg/docker-pool && vgremove -y docker-vg && pvremove -y /dev/vdb1", on: node)
        let t = f.tree(node)
        try t.write("/etc/sysconfig/docker-storage-setup",
                    "DEVS=/dev/vdb\nVG=docker_vol\nSTORAGE_DRIVER=overlay2\nCONTAINER_ROOT_LV_NAME=dockerlv\nCONTAINER_ROOT_LV_MOUNT_PATH=/var/lib/docker\nCONTAINER_ROOT_LV_SIZE=100%FREE\n")
        let before = try f.state()
        let driver = try f.run("docker-storage-setup", [], on: node)
        #expect(driver.status == 1)
        #expect(driver.stderr == "ERROR: Storage is already configured with devicemapper driver. Can't configure it with overlay2 driver. To override, remove /etc/sysconfig/docker-storage and retry.\n")
        try FileManager.default.removeItem(atPath: t.real("/etc/sysconfig/docker-storage"))
        let signed = try f.run("docker-storage-setup", [], on: node)
        #expect(signed.status == 1)
        #expect(signed.stderr == "ERROR: Found dos signature on device /dev/vdb at offset 0x1fe. Wipe signatures using wipefs or use WIPE_SIGNATURES=true and retry.\n")
        #expect(try f.state().hosts == before.hosts)
        let wipe = try f.run("wipefs", ["-a", "/dev/vdb"], on: node)
        #expect(wipe.status == 0)
        #expect(wipe.stdout.hasPrefix("/dev/vdb: 2 bytes were erased at offset 0x000001fe (dos): 55 aa\n"))
        #expect(try f.run("wipefs", ["-p", "/dev/vdb"], on: node).stdout == "# offset,uuid,label,type\n")
    }

    @Test("docker-storage-setup creates VG and an XFS LV for overlay2 on a blank disk; docker starts on it; the old thin pool options keep docker down")
    func overlay2FromScratch() throws {
        let f = try devicemapper()
        defer { f.remove() }
        try f.sh("systemctl stop docker && lvremove -y /dev/docker-vg/docker-pool && vgremove -y docker-vg && pvremove -y /dev/vdb1 && wipefs -a /dev/vdb", on: node)
        // The old options name a thin pool that is gone: docker fails to start.
        let down = try f.run("systemctl", ["start", "docker"], on: node)
        #expect(down.status == 1)
        #expect(try f.run("systemctl", ["is-active", "docker"], on: node).status == 3)

        let t = f.tree(node)
        try FileManager.default.removeItem(atPath: t.real("/etc/sysconfig/docker-storage"))
        try t.write("/etc/sysconfig/docker-storage-setup",
                    "DEVS=/dev/vdb\nVG=docker_vol\nSTORAGE_DRIVER=overlay2\nCONTAINER_ROOT_LV_NAME=dockerlv\nCONTAINER_ROOT_LV_MOUNT_PATH=/var/lib/docker\nCONTAINER_ROOT_LV_SIZE=100%FREE\n")
        let setup = try f.run("docker-storage-setup", [], on: node)
        #expect(setup.status == 0)
        #expect(setup.stdout.hasPrefix("INFO: Device node /dev/vdb1 exists.\n  Physical volume \"/dev/vdb1\" successfully created.\n  Volume group \"docker_vol\" successfully created\n  Logical volume \"dockerlv\" created.\n"))
        #expect(t.read("/etc/sysconfig/docker-storage") == "DOCKER_STORAGE_OPTIONS='--storage-driver overlay2'\n")
        let storage = try #require(try f.state().host(node)?.storage)
        #expect(storage.driver == "overlay2")
        #expect(storage.volumeGroup == "docker_vol")
        #expect(storage.logicalVolume == "dockerlv")
        #expect(storage.physicalVolumes == ["/dev/vdb1": 20476])
        #expect(storage.lvSizeMiB == 20476)
        #expect(try f.run("lvs", ["--noheadings", "-o", "lv_name,vg_name,lv_attr"], on: node).stdout == "  dockerlv docker_vol -wi-ao----\n")

        #expect(try f.run("systemctl", ["start", "docker"], on: node).status == 0)
        #expect(try f.run("docker", ["info"], on: node).stdout.contains("\nStorage Driver: overlay2\n"))
        // Running it again changes nothing (the VG and LV exist).
        #expect(try f.run("docker-storage-setup", [], on: node).status == 0)
        #expect(try f.state().host(node)?.storage == storage)
    }

    @Test("docker-storage-setup with the devicemapper configuration sets up an empty thin pool (DATA_SIZE 40%FREE) on a blank disk")
    func devicemapperFromScratch() throws {
        let f = try devicemapper()
        defer { f.remove() }
        let t = f.tree(node)
        let options = t.read("/etc/sysconfig/docker-storage")
        try f.sh("systemctl stop docker && lvremove -y /dev/docker-vg/docker-pool && vgremove -y docker-vg && pvremove -y /dev/vdb1 && wipefs -a /dev/vdb && rm -f /etc/sysconfig/docker-storage", on: node)
        let setup = try f.run("docker-storage-setup", [], on: node)
        #expect(setup.status == 0)
        #expect(t.read("/etc/sysconfig/docker-storage") == options)
        let storage = try #require(try f.state().host(node)?.storage)
        #expect(storage.driver == "devicemapper")
        #expect(storage.logicalVolume == "docker-pool")
        #expect(storage.lvSizeMiB == 20476 / 4 * 40 / 100 * 4)
        #expect(try f.run("systemctl", ["start", "docker"], on: node).status == 0)
        #expect(try f.run("docker", ["info"], on: node).stdout.contains("\nStorage Driver: devicemapper\n"))
    }
}

/// /etc/containers/registries.conf: read by docker when it starts (7.3.1, 7.3.2, 7.3.4).
@Suite("simulator registries.conf")
struct RegistriesConfTests {
    let node = "node-0.example.com"

    @Test("docker info shows the registries docker loaded at its last start, not the file's until a restart")
    func loadedAtStart() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let before = try f.run("docker", ["info"], on: node)
        #expect(before.stdout.hasSuffix("Insecure Registries:\n 127.0.0.0/8\nRegistries: registry.redhat.io (secure), docker.io (secure)\n"))
        let t = f.tree(node)
        try t.write("/etc/containers/registries.conf",
                    "[registries.search]\nregistries = [\"registry.redhat.io\", \"localhost:5000\"]\n[registries.insecure]\nregistries = ['localhost:5000']\n[registries.block]\nregistries = [\"all\"]\n")
        #expect(try f.run("docker", ["info"], on: node).stdout == before.stdout)
        #expect(try f.run("systemctl", ["restart", "docker.service"], on: node).status == 0)
        #expect(try f.run("docker", ["info"], on: node).stdout.hasSuffix(
            "Insecure Registries:\n localhost:5000\n 127.0.0.0/8\nRegistries: registry.redhat.io (secure), localhost:5000 (insecure)\n"))
    }

    @Test("a registries.conf that is not TOML of that shape keeps docker from starting", arguments: [
        "registries:\n  - registry.redhat.io\n",
        "[registries.search]\nregistries = [\"a\", ]\n",
        "[registries.other]\nregistries = []\n",
        "[registries.search]\nregistries = [\"a\"]\n[registries.search]\nregistries = []\n",
    ])
    func invalidFileFailsStart(_ text: String) throws {
        let f = try SimFixture()
        defer { f.remove() }
        try f.tree(node).write("/etc/containers/registries.conf", text)
        let r = try f.run("systemctl", ["restart", "docker"], on: node)
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("Job for docker.service failed"))
        #expect(try f.run("systemctl", ["is-active", "docker"], on: node).status == 3)
    }
}
