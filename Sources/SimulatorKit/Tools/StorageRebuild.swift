import Foundation

/// `lvremove [-y|-f] LV` and `vgremove [-y|-f] VG` (lvm2 2.02.180) over a host's docker volume
/// group: the teardown of the guide's storage backend change (7.1.3). A removed logical volume
/// leaves `logicalVolume` empty; a removed volume group leaves `volumeGroup` empty and its
/// physical volumes as orphans until `pvremove`.
enum LvRemoveTool: SimTool {
    static let names = ["lvremove", "vgremove"]

    static let specs: [Arguments.Spec] = [
        .init("yes", "y", value: false), .init("force", "f", value: false), .init("verbose", "v", value: false),
    ]

    static func run(_ c: ToolContext) throws -> Int32 {
        let a: Arguments
        switch Arguments.parse(c.args, specs) {
        case .success(let p): a = p
        case .failure(let e): throw c.fail("\(c.tool): \(e.message.replacingOccurrences(of: "flag", with: "option"))\n  Run `\(c.tool) --help' for more information.", code: 3)
        }
        guard let target = a.positionals.first else {
            throw c.fail(c.tool == "lvremove" ? "  Please enter one or more logical volume paths." : "  Please enter one or more volume group paths.", code: 3)
        }
        let answered = a.flag("yes") || a.flag("force")
        return try c.update { v in
            guard let h = v.state.hostIndex(c.host), var s = v.state.hosts[h].storage, !s.volumeGroup.isEmpty else {
                let vg = StorageRebuild.volumeGroup(of: target)
                throw c.fail("  Volume group \"\(vg)\" not found\n  Cannot process volume group \(vg)", code: 5)
            }
            let inUse = v.serviceActive(c.host, "docker")
            if c.tool == "lvremove" {
                let names = [s.mapperPath, "/dev/\(s.volumeGroup)/\(s.logicalVolume)", "\(s.volumeGroup)/\(s.logicalVolume)"]
                guard StorageRebuild.volumeGroup(of: target) == s.volumeGroup else {
                    let vg = StorageRebuild.volumeGroup(of: target)
                    throw c.fail("  Volume group \"\(vg)\" not found\n  Cannot process volume group \(vg)", code: 5)
                }
                guard !s.logicalVolume.isEmpty, names.contains(target) else {
                    throw c.fail("  Failed to find logical volume \"\(target.replacingOccurrences(of: "/dev/", with: ""))\"", code: 5)
                }
                try remove(c, &s, inUse: inUse, answered: answered)
            } else {
                guard target.replacingOccurrences(of: "/dev/", with: "") == s.volumeGroup else {
                    throw c.fail("  Volume group \"\(target)\" not found\n  Cannot process volume group \(target)", code: 5)
                }
                // lvm2 2.02.180 vgremove_single: a group with logical volumes is confirmed once for
                // the group (no answer is no), then each volume is removed without a question.
                if !s.logicalVolume.isEmpty {
                    guard answered else {
                        throw c.fail("Do you really want to remove volume group \"\(s.volumeGroup)\" containing 1 logical volumes? [y/n]: [n]\n"
                            + "  Volume group \"\(s.volumeGroup)\" not removed", code: 5)
                    }
                    try remove(c, &s, inUse: inUse, answered: answered)
                }
                c.out("  Volume group \"\(s.volumeGroup)\" successfully removed\n")
                s.volumeGroup = ""
            }
            v.state.hosts[h].storage = s
            return 0
        }
    }

    /// Removes the logical volume: refused while docker holds it (the thin pool is open, the
    /// overlay2 file system mounted) or when nobody answered lvm2's question.
    static func remove(_ c: ToolContext, _ s: inout DockerStorage, inUse: Bool, answered: Bool) throws {
        let name = "\(s.volumeGroup)/\(s.logicalVolume)"
        if inUse {
            throw c.fail(s.driver == "overlay2" ? "  Logical volume \(name) contains a filesystem in use." : "  Logical volume \(name) in use.", code: 5)
        }
        guard answered else {
            // lvm2 2.02.180 lv_remove_single: the refusal names the LV as VG/LV (display_lvname).
            throw c.fail("Do you really want to remove active logical volume \(name)? [y/n]: [n]\n  Logical volume \(name) not removed.", code: 5)
        }
        c.out("  Logical volume \"\(s.logicalVolume)\" successfully removed\n")
        s.logicalVolume = ""
        s.lvSizeMiB = 0
        s.fsSizeMiB = 0
    }
}

/// What container-storage-setup does when the docker volume group or its logical volume is
/// gone (container-storage-setup.sh, as shipped for RHEL 7 docker 1.13), and the reports of an
/// LVM setup without them.
enum StorageRebuild {
    /// `docker-vg` of `/dev/docker-vg/x`, `docker-vg/x` or `/dev/mapper/docker--vg-x`.
    static func volumeGroup(of target: String) -> String {
        if target.hasPrefix("/dev/mapper/") {
            let name = target.dropFirst("/dev/mapper/".count).replacingOccurrences(of: "--", with: "\u{0}")
            return (name.split(separator: "-").first.map(String.init) ?? name).replacingOccurrences(of: "\u{0}", with: "-")
        }
        let path = target.hasPrefix("/dev/") ? String(target.dropFirst(5)) : target
        return path.split(separator: "/").first.map(String.init) ?? path
    }

    /// The driver named by DOCKER_STORAGE_OPTIONS in /etc/sysconfig/docker-storage (nil: none).
    static func configuredDriver(_ tree: HostTree) -> String? {
        let options = tree.variables("/etc/sysconfig/docker-storage")["DOCKER_STORAGE_OPTIONS"] ?? ""
        let words = options.split(separator: " ").map(String.init)
        if let i = words.firstIndex(of: "--storage-driver"), i + 1 < words.count { return words[i + 1] }
        return words.first { $0.hasPrefix("--storage-driver=") }.map { String($0.dropFirst("--storage-driver=".count)) }
    }

    /// container-storage-setup's part before growing: refuses a driver change while
    /// /etc/sysconfig/docker-storage names another driver, and creates the volume group (from
    /// DEVS) and the logical volume (a devicemapper thin pool, or CONTAINER_ROOT_LV_NAME with
    /// XFS for overlay2) when they are gone. Nil: storage exists, the caller grows it.
    static func setUp(_ c: ToolContext, _ v: inout ClusterView, host h: Int, conf: [String: String], devs: [String]) throws -> Int32? {
        guard var s = v.state.hosts[h].storage else { return nil }
        let driver = conf["STORAGE_DRIVER"] ?? "devicemapper"
        if let current = configuredDriver(c.tree), current != driver {
            throw c.fail("ERROR: Storage is already configured with \(current) driver. Can't configure it with \(driver) driver. To override, remove /etc/sysconfig/docker-storage and retry.")
        }
        if !s.volumeGroup.isEmpty, !s.logicalVolume.isEmpty {
            guard s.driver == driver else {
                throw c.fail("ERROR: runbook-sim: changing the storage driver of an existing \(s.driver) logical volume is not simulated")
            }
            return nil
        }
        if s.volumeGroup.isEmpty {
            guard let vg = conf["VG"], !vg.isEmpty else {
                throw c.fail("ERROR: Volume group backing root filesystem could not be determined")
            }
            guard !devs.isEmpty else { throw c.fail("ERROR: Volume group \(vg) does not exist and DEVS is empty") }
            var created: [String: Int] = [:]
            for dev in devs {
                guard let size = v.state.hosts[h].disks[dev] else {
                    throw c.fail("ERROR: Can't find device \(dev); check DEVS in /etc/sysconfig/docker-storage-setup")
                }
                // check_wipe_block_dev_sig: a partition table left behind, a stale PV, or a signature.
                let signed = (v.state.hosts[h].partitionedDisks ?? []).contains(dev) || s.physicalVolumes[dev + "1"] != nil
                    || v.state.faults.contains(.diskNotBlank(host: c.host, disk: dev))
                if signed, conf["WIPE_SIGNATURES"] != "true" {
                    throw c.fail("ERROR: Found dos signature on device \(dev) at offset 0x1fe. Wipe signatures using wipefs or use WIPE_SIGNATURES=true and retry.")
                }
                c.out("INFO: Device node \(dev)1 exists.\n  Physical volume \"\(dev)1\" successfully created.\n")
                created[dev + "1"] = size - 4
            }
            c.out("  Volume group \"\(vg)\" successfully created\n")
            s = DockerStorage(driver: driver, volumeGroup: vg, logicalVolume: "", physicalVolumes: created, lvSizeMiB: 0, fsSizeMiB: 0)
            v.state.hosts[h].partitionedDisks = (v.state.hosts[h].partitionedDisks ?? []).filter { !devs.contains($0) }
            v.state.hosts[h].partitions = v.state.hosts[h].partitions?.filter { created[$0.key] == nil }
        }
        let free = v.state.faults.contains(.noFreeExtents(host: c.host)) ? 0 : s.vgFreeMiB
        if driver == "overlay2" {
            guard let name = conf["CONTAINER_ROOT_LV_NAME"], !name.isEmpty, conf["CONTAINER_ROOT_LV_MOUNT_PATH"] == "/var/lib/docker" else {
                throw c.fail("ERROR: runbook-sim: overlay2 without CONTAINER_ROOT_LV_NAME and CONTAINER_ROOT_LV_MOUNT_PATH=/var/lib/docker (the root file system) is not simulated")
            }
            s.logicalVolume = name
            s.lvSizeMiB = try percent(c, conf["CONTAINER_ROOT_LV_SIZE"] ?? "40%FREE", of: free, key: "CONTAINER_ROOT_LV_SIZE")
            s.fsSizeMiB = s.lvSizeMiB
            c.out("  Logical volume \"\(name)\" created.\n")
            c.out("meta-data=\(s.mapperPath) isize=512    agcount=4, agsize=\(s.lvSizeMiB * 64) blks\n")
        } else {
            s.logicalVolume = conf["CONTAINER_THINPOOL"] ?? "docker-pool"
            s.lvSizeMiB = try percent(c, conf["DATA_SIZE"] ?? "40%FREE", of: free, key: "DATA_SIZE")
            s.fsSizeMiB = s.lvSizeMiB
            c.out("  Rounding up size to full physical extent 24.00 MiB\n  Logical volume \"\(s.logicalVolume)\" created.\n")
            c.out("  Logical volume \(s.volumeGroup)/\(s.logicalVolume) changed.\n")
        }
        s.driver = driver
        v.state.hosts[h].storage = s
        try c.tree.write("/etc/sysconfig/docker-storage", HostFiles.dockerStorage(s))
        return 0
    }

    /// `N%FREE` of the free MiB, in whole 4 MiB extents; `DATA_SIZE` also takes `N%VG` (here the
    /// same: the group is empty when it is created).
    static func percent(_ c: ToolContext, _ text: String, of free: Int, key: String) throws -> Int {
        let number = text.replacingOccurrences(of: "%FREE", with: "").replacingOccurrences(of: "%VG", with: "")
        guard text.hasSuffix("%FREE") || text.hasSuffix("%VG"), let pct = Int(number), (1...100).contains(pct) else {
            throw c.fail("ERROR: runbook-sim: \(key)=\(text) is not simulated (only N%FREE and N%VG)")
        }
        return free / 4 * pct / 100 * 4
    }

    /// Whether docker can start with the options of /etc/sysconfig/docker-storage: a
    /// devicemapper thin pool it names must exist (docker: "devmapper: ... no such file").
    static func dockerCanStart(_ tree: HostTree, _ host: SimHost) -> Bool {
        let options = tree.variables("/etc/sysconfig/docker-storage")["DOCKER_STORAGE_OPTIONS"] ?? ""
        guard let pool = options.split(separator: " ").first(where: { $0.hasPrefix("dm.thinpooldev=") }) else { return true }
        guard let s = host.storage, s.driver == "devicemapper", !s.logicalVolume.isEmpty else { return false }
        return pool.dropFirst("dm.thinpooldev=".count) == s.mapperPath
    }

    /// `vgs`, `lvs` and `pvs` when the volume group or its logical volume is gone (nil: both
    /// exist, the caller reports). lvm2 prints no rows then; orphan physical volumes have no
    /// VG and attribute `---`.
    static func report(_ c: ToolContext, _ a: Arguments, _ s: DockerStorage) throws -> Int32? {
        guard s.volumeGroup.isEmpty || s.logicalVolume.isEmpty else { return nil }
        switch c.tool {
        case "vgs":
            guard s.volumeGroup.isEmpty else { return nil }
            if let filter = a.positionals.first {
                throw c.fail("  Volume group \"\(filter)\" not found\n  Cannot process volume group \(filter)", code: 5)
            }
            return 0
        case "lvs":
            if let lv = a.positionals.first {
                throw c.fail("  Failed to find logical volume \"\(lv.replacingOccurrences(of: "/dev/", with: ""))\"", code: 5)
            }
            return 0
        case "pvs":
            guard s.volumeGroup.isEmpty else { return nil }
            for device in a.positionals where s.physicalVolumes[device] == nil {
                throw c.fail("  Failed to find physical volume \"\(device)\".", code: 5)
            }
            let columns = a["options"]?.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
                ?? ["pv_name", "vg_name", "pv_fmt", "pv_attr", "pv_size", "pv_free"]
            let units = a["units"] ?? "h"
            var rows: [[String]] = []
            for pv in s.physicalVolumes.keys.sorted() where a.positionals.isEmpty || a.positionals.contains(pv) {
                let size = LvmSize.format(s.physicalVolumes[pv] ?? 0, units: units, suffix: !a.flag("nosuffix"))
                let fields = ["pv_name": pv, "vg_name": "", "pv_fmt": "lvm2", "pv_attr": "---", "pv_size": size, "pv_free": size]
                rows.append(columns.map { fields[$0] ?? "" })
            }
            let header = columns.map { LvmTool.headers[$0] ?? $0 }
            c.out(LvmTool.render(a.flag("noheadings") ? rows : [header] + rows, numericFrom: 2))
            return 0
        default:
            return nil
        }
    }
}

extension DiskTools {
    /// `wipefs -a DISK` (util-linux 2.23): erases the disk's dos partition table, so its
    /// partition (and an orphan physical volume on it) is gone. Refused while a partition of it
    /// is a physical volume of a volume group (the device is busy).
    static func wipeAll(_ c: ToolContext, _ device: String) throws -> Int32 {
        try c.update { v in
            guard let h = v.state.hostIndex(c.host), v.state.hosts[h].disks[device] != nil else {
                throw c.fail("wipefs: error: \(device): probing initialization failed: No such file or directory")
            }
            var storage = v.state.hosts[h].storage
            let partition = device + "1"
            if let s = storage, s.physicalVolumes[partition] != nil, !s.volumeGroup.isEmpty {
                throw c.fail("wipefs: error: \(device): probing initialization failed: Device or resource busy")
            }
            let fault = Fault.diskNotBlank(host: c.host, disk: device)
            let signed = (v.state.hosts[h].partitionedDisks ?? []).contains(device) || storage?.physicalVolumes[partition] != nil
                || v.state.faults.contains(fault)
            if signed {
                c.out("\(device): 2 bytes were erased at offset 0x000001fe (dos): 55 aa\n")
                c.out("\(device): calling ioctl to re-read partition table: Success\n")
            }
            storage?.physicalVolumes[partition] = nil
            v.state.hosts[h].storage = storage
            v.state.hosts[h].partitionedDisks = v.state.hosts[h].partitionedDisks?.filter { $0 != device }
            v.state.hosts[h].partitions?[partition] = nil
            v.state.faults.removeAll { $0 == fault }
            return 0
        }
    }
}
