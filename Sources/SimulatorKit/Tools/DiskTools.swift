import Foundation

/// `growpart DISK N` (cloud-utils), `wipefs [-n|-p] DEVICE`, `df -P [-m] PATH` (util-linux,
/// coreutils), `vgreduce VG PV` and `pvremove PV` (lvm2) over a host's disks.
enum DiskTools {
    /// Grows partition N of DISK to the end of the disk; like cloud-utils' growpart, it exits 1
    /// with `NOCHANGE` when the partition already fills the disk.
    static func growpart(_ c: ToolContext, _ a: Arguments) throws -> Int32 {
        guard a.positionals.count == 2, let disk = a.positionals.first, let number = a.positionals.last, Int(number) != nil else {
            throw c.fail("growpart disk partition\n   rewrite partition table so that partition takes up all the space it can", code: 2)
        }
        let pv = disk + number
        return try c.update { v in
            // growpart 0.29's `fail` echoes `FAILED: …` on standard output and exits 2; a missing
            // partition is found when its start and end are not in sfdisk's dump.
            guard let h = v.state.hostIndex(c.host), let size = v.state.hosts[h].disks[disk] else {
                c.out("FAILED: \(disk): does not exist\n")
                throw ToolExit(2)
            }
            guard let storage = v.state.hosts[h].storage, let current = storage.partitionMiB(pv, on: v.state.hosts[h]) else {
                c.out("FAILED: failed to get start and end for \(pv) in \(disk)\n")
                throw ToolExit(2)
            }
            let grown = size - 4
            guard grown > current else {
                c.out("NOCHANGE: partition \(number) is size \(current * 2048). it cannot be grown\n")
                return 1
            }
            if !a.flag("dry-run") { v.state.hosts[h].partitions = (v.state.hosts[h].partitions ?? [:]).merging([pv: grown]) { $1 } }
            c.out("CHANGED: partition=\(number) start=2048 old: size=\(current * 2048) end=\(current * 2048 + 2048) new: size=\(grown * 2048) end=\(grown * 2048 + 2048)\n")
            return 0
        }
    }

    /// `blockdev --getsize64 DEVICE` (util-linux): the size of a disk or partition in bytes;
    /// `cannot open DEVICE: No such file or directory`, exit 1, for a device the host lacks.
    static func blockdev(_ c: ToolContext, _ a: Arguments) throws -> Int32 {
        guard a.flag("getsize64"), a.positionals.count == 1, let device = a.positionals.first else {
            throw c.fail("blockdev: only --getsize64 DEVICE is simulated", code: 1)
        }
        let v = try c.view()
        guard let host = v.state.host(c.host),
              let mib = host.disks[device] ?? host.storage.flatMap({ $0.partitionMiB(device, on: host) }) else {
            throw c.fail("blockdev: cannot open \(device): No such file or directory", code: 1)
        }
        c.out("\(mib * 1_048_576)\n")
        return 0
    }

    /// Lists a device's signatures (`-p`: util-linux's parsable form); with the `disk-not-blank`
    /// fault, or after `pvremove` left its partition table, the disk carries a dos partition table.
    /// `-a` erases (see `wipeAll`).
    static func wipefs(_ c: ToolContext, _ a: Arguments) throws -> Int32 {
        guard let device = a.positionals.first else { throw c.fail("wipefs: no device specified", code: 1) }
        let v = try c.view()
        guard let host = v.state.host(c.host), host.disks[device] != nil || host.storage?.physicalVolumes[device] != nil else {
            throw c.fail("wipefs: error: \(device): probing initialization failed: No such file or directory")
        }
        if a.flag("all") { return try DiskTools.wipeAll(c, device) }
        var rows: [(offset: String, type: String)] = []
        if v.state.faults.contains(.diskNotBlank(host: c.host, disk: device)) || (host.partitionedDisks ?? []).contains(device) {
            rows.append(("0x1fe", "dos"))
        }
        if host.storage?.physicalVolumes[device] != nil { rows.append(("0x218", "LVM2_member")) }
        if host.storage?.physicalVolumes[device + "1"] != nil { rows.append(("0x1fe", "dos")) }
        if a.flag("parsable") {
            c.out("# offset,uuid,label,type\n" + rows.map { "\($0.offset),,,\($0.type)\n" }.joined())
        } else if !rows.isEmpty {
            c.out("offset               type\n----------------------------------------------------------------\n"
                + rows.map { $0.offset.padding(toLength: 21, withPad: " ", startingAt: 0) + $0.type + "\n\n" }.joined())
        }
        return 0
    }

    /// `vgreduce VG PV` takes an unused physical volume out of the volume group (lvm2 refuses one
    /// whose extents the logical volume uses); `pvremove PV` then wipes its label. Here both
    /// remove the PV from the model; `pvremove` of a PV still in the VG fails like lvm2.
    static func removePV(_ c: ToolContext, _ a: Arguments) throws -> Int32 {
        guard let pv = a.positionals.last, a.positionals.count == (c.tool == "vgreduce" ? 2 : 1) else {
            throw c.fail("  Please give \(c.tool == "vgreduce" ? "volume group name and physical volume paths" : "a physical volume path")", code: 3)
        }
        return try c.update { v in
            guard let h = v.state.hostIndex(c.host), var storage = v.state.hosts[h].storage else {
                throw c.fail("  Failed to find physical volume \"\(pv)\".", code: 5)
            }
            if c.tool == "pvremove" {
                // An orphan (its volume group was removed): the label goes, the partition table stays.
                if storage.volumeGroup.isEmpty, storage.physicalVolumes[pv] != nil {
                    storage.physicalVolumes[pv] = nil
                    v.state.hosts[h].storage = storage
                    let disk = String(pv.reversed().drop { $0.isNumber }.reversed())
                    v.state.hosts[h].partitionedDisks = Array(Set((v.state.hosts[h].partitionedDisks ?? []) + [disk])).sorted()
                    c.out("  Labels on physical volume \"\(pv)\" successfully wiped.\n")
                    return 0
                }
                if storage.physicalVolumes[pv] != nil {
                    throw c.fail("  PV \(pv) is used by VG \(storage.volumeGroup) so please use vgreduce first.", code: 5)
                }
                guard v.state.hosts[h].disks[String(pv.reversed().drop { $0.isNumber }.reversed())] != nil else {
                    throw c.fail("  Failed to find physical volume \"\(pv)\".", code: 5)
                }
                c.out("  Labels on physical volume \"\(pv)\" successfully wiped.\n")
                return 0
            }
            guard let size = storage.physicalVolumes[pv] else {
                throw c.fail("  Failed to find physical volume \"\(pv)\".", code: 5)
            }
            guard a.positionals.first == storage.volumeGroup else {
                throw c.fail("  Volume group \"\(a.positionals.first ?? "")\" not found", code: 5)
            }
            guard storage.vgSizeMiB - size >= storage.lvSizeMiB else {
                throw c.fail("  Physical volume \"\(pv)\" still in use", code: 5)
            }
            storage.physicalVolumes[pv] = nil
            v.state.hosts[h].storage = storage
            v.state.hosts[h].partitions?[pv] = nil
            c.out("  Removed \"\(pv)\" from volume group \"\(storage.volumeGroup)\"\n")
            return 0
        }
    }

    /// `df -P [-m|-k] PATH`: /var/lib/docker (and paths under it) is the XFS file system on the
    /// docker logical volume of an overlay2 host; other paths are the root file system.
    static func df(_ c: ToolContext, _ a: Arguments) throws -> Int32 {
        let v = try c.view()
        let path = a.positionals.first ?? "/"
        let storage = v.state.host(c.host)?.storage
        let docker = storage?.driver == "overlay2" && (path == "/var/lib/docker" || path.hasPrefix("/var/lib/docker/"))
        let sizeMiB = docker ? storage?.fsSizeMiB ?? 0 : 40960
        let usedMiB = docker ? min(sizeMiB, 2048) : 6144
        let (unit, scale) = a.flag("megabytes") ? ("1048576", 1) : ("1024", 1024)
        let device = docker ? storage?.mapperPath ?? "" : "/dev/vda1"
        let mount = docker ? "/var/lib/docker" : "/"
        let percent = sizeMiB == 0 ? 0 : (usedMiB * 100 + sizeMiB - 1) / sizeMiB
        let rows = [["Filesystem", "\(unit)-blocks", "Used", "Available", "Capacity", "Mounted on"],
                    [device, "\(sizeMiB * scale)", "\(usedMiB * scale)", "\((sizeMiB - usedMiB) * scale)", "\(percent)%", mount]]
        c.out(dfTable(rows))
        return 0
    }

    /// coreutils 8.22 `df`'s `print_table`: each column as wide as its widest cell (at least 14 for
    /// the file system, 5 for the numbers, 4 for the percentage), the file system left-aligned,
    /// the numbers right-aligned, one space between columns, the last column not padded.
    static func dfTable(_ rows: [[String]]) -> String {
        let minimum = [14, 5, 5, 5, 4, 0]
        let widths = minimum.indices.map { i in rows.reduce(minimum[i]) { max($0, $1[i].count) } }
        return rows.map { row in
            row.indices.map { i in
                let pad = String(repeating: " ", count: widths[i] - row[i].count)
                switch i {
                case 0: return row[i] + pad
                case row.count - 1: return row[i]
                default: return pad + row[i]
                }
            }.joined(separator: " ")
        }.joined(separator: "\n") + "\n"
    }
}
