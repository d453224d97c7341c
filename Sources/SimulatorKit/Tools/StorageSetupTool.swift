import Foundation

/// `docker-storage-setup`: adds the disks listed in DEVS to docker's volume group (and, for a
/// devicemapper thin pool, grows the pool).
enum StorageSetupTool: SimTool {
    static let names = ["docker-storage-setup", "container-storage-setup"]

    static func run(_ c: ToolContext) throws -> Int32 {
        if c.args.contains("--help") || c.args.contains("-h") {
            c.out("Usage: docker-storage-setup [OPTIONS]\n\nGrows the root filesystem and sets up storage for docker.\n")
            return 0
        }
        let conf = c.tree.variables("/etc/sysconfig/docker-storage-setup")
        let devs = (conf["DEVS"] ?? "").split(separator: " ").map(String.init)
        return try c.update { v in
            guard let h = v.state.hostIndex(c.host), var storage = v.state.hosts[h].storage else {
                throw c.fail("ERROR: Volume group backing root filesystem could not be determined")
            }
            if let code = try StorageRebuild.setUp(c, &v, host: h, conf: conf, devs: devs) { return code }
            let noFree = v.state.faults.contains(.noFreeExtents(host: c.host))
            if let vg = conf["VG"], vg != storage.volumeGroup {
                throw c.fail("ERROR: Volume group \(vg) does not exist and DEVS does not name a free disk")
            }
            var extended = false
            for dev in devs {
                let pv = dev + "1"
                if storage.physicalVolumes[pv] != nil {
                    c.out("INFO: Device \(dev) is already partitioned and is part of volume group \(storage.volumeGroup)\n")
                    continue
                }
                guard let size = v.state.hosts[h].disks[dev] else {
                    throw c.fail("ERROR: Can't find device \(dev); check DEVS in /etc/sysconfig/docker-storage-setup")
                }
                // container-storage-setup's check_wipe_block_dev_sig: a disk with any signature is refused.
                if v.state.faults.contains(.diskNotBlank(host: c.host, disk: dev)), conf["WIPE_SIGNATURES"] != "true" {
                    throw c.fail("ERROR: Found dos signature on device \(dev) at offset 0x1fe. Wipe signatures using wipefs or use WIPE_SIGNATURES=true and retry.")
                }
                c.out("INFO: Device node \(pv) exists.\n  Physical volume \"\(pv)\" successfully created.\n")
                storage.physicalVolumes[pv] = noFree ? 0 : size - 4
                extended = true
            }
            if extended { c.out("  Volume group \"\(storage.volumeGroup)\" successfully extended\n") }
            if storage.driver == "devicemapper" {
                c.out("INFO: Found an already configured thin pool \(storage.mapperPath) in /etc/sysconfig/docker-storage\n")
                c.out("INFO: Device node \(storage.mapperPath) exists.\n")
                if !noFree, storage.vgFreeMiB > 0 {
                    storage.lvSizeMiB += storage.vgFreeMiB * 6 / 10
                    storage.fsSizeMiB = storage.lvSizeMiB
                }
                c.out("  Logical volume \(storage.volumeGroup)/\(storage.logicalVolume) changed.\n")
            }
            v.state.hosts[h].storage = storage
            return 0
        }
    }
}
