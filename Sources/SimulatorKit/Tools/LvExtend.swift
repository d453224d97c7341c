import Foundation

/// `lvextend [-r] -l +100%FREE|-L +SIZE LV`.
enum LvExtend {
    static func run(_ c: ToolContext, _ a: Arguments) throws -> Int32 {
        guard let target = a.positionals.first else {
            throw c.fail("  Please specify either size or extents but not both.\n  Run `lvextend --help' for more information.", code: 3)
        }
        guard a["extents"] != nil || a["size"] != nil else {
            throw c.fail("  Please specify either size or extents but not both.\n  Run `lvextend --help' for more information.", code: 3)
        }
        return try c.update { v in
            guard let h = v.state.hostIndex(c.host), var s = v.state.hosts[h].storage else {
                throw c.fail("  Volume group not found", code: 5)
            }
            let names = [s.mapperPath, "/dev/\(s.volumeGroup)/\(s.logicalVolume)", "\(s.volumeGroup)/\(s.logicalVolume)"]
            guard names.contains(target) else {
                let vg = target.replacingOccurrences(of: "/dev/mapper/", with: "").split(separator: "-").first.map(String.init) ?? target
                throw c.fail("  Volume group \"\(vg)\" not found\n  Cannot process volume group \(vg)", code: 5)
            }
            let free = v.state.faults.contains(.noFreeExtents(host: c.host)) ? 0 : s.vgFreeMiB
            var grow = 0
            if let l = a["extents"] {
                if l.hasSuffix("%FREE"), let pct = Int(l.dropFirst(l.hasPrefix("+") ? 1 : 0).dropLast(5)) {
                    grow = free / 4 * pct / 100 * 4
                } else if let n = Int(l.dropFirst(l.hasPrefix("+") ? 1 : 0)) {
                    grow = n * 4
                } else {
                    throw c.fail("  Invalid argument for --extents: \(l)\n  Error during parsing of command line.", code: 3)
                }
            } else if let size = a["size"] {
                guard let mib = parseSize(size) else {
                    throw c.fail("  Invalid argument for --size: \(size)\n  Error during parsing of command line.", code: 3)
                }
                grow = size.hasPrefix("+") ? mib : mib - s.lvSizeMiB
            }
            let oldExtents = s.lvSizeMiB / 4
            let name = "\(s.volumeGroup)/\(s.logicalVolume)"
            // lvm2 2.02.180 lv_manip.c `_lvresize_adjust_extents`: a new size equal to the old one
            // is an error, except with -r, which goes on as an extension by nothing and resizes
            // the file system (`_lvresize_volume`: "unchanged"; then fsadm).
            if grow <= 0 {
                guard a.flag("resizefs") else {
                    throw c.fail("  New size (\(oldExtents) extents) matches existing size (\(oldExtents) extents).", code: 5)
                }
                c.out("  Size of logical volume \(name) unchanged from \(gib(s.lvSizeMiB)) (\(oldExtents) extents).\n")
                c.out("  Logical volume \(name) successfully resized.\n")
                growFileSystem(c, &s)
                v.state.hosts[h].storage = s
                return 0
            }
            if grow > free {
                throw c.fail("  Insufficient free space: \(grow / 4) extents needed, but only \(free / 4) available", code: 5)
            }
            let old = s.lvSizeMiB
            s.lvSizeMiB += grow
            c.out("  Size of logical volume \(name) changed from \(gib(old)) (\(old / 4) extents) to \(gib(s.lvSizeMiB)) (\(s.lvSizeMiB / 4) extents).\n")
            c.out("  Logical volume \(name) successfully resized.\n")
            if a.flag("resizefs") { growFileSystem(c, &s) }
            v.state.hosts[h].storage = s
            return 0
        }
    }

    /// `-r`: fsadm grows docker's XFS file system (overlay2) to the logical volume.
    static func growFileSystem(_ c: ToolContext, _ s: inout DockerStorage) {
        guard s.driver == "overlay2" else { return }
        c.out(XfsGrowfsTool.info(s))
        if s.lvSizeMiB > s.fsSizeMiB {
            c.out("data blocks changed from \(s.fsSizeMiB * 256) to \(s.lvSizeMiB * 256)\n")
            s.fsSizeMiB = s.lvSizeMiB
        }
    }

    static func gib(_ mib: Int) -> String {
        LvmSize.format(mib, units: "g", suffix: false) + " GiB"
    }

    /// `+10G`, `512M`, `1t` in MiB.
    static func parseSize(_ text: String) -> Int? {
        var t = text.hasPrefix("+") ? String(text.dropFirst()) : text
        let unit = t.last.map { $0.lowercased() } ?? "m"
        if Double(String(t.last ?? " ")) == nil { t.removeLast() }
        guard let n = Double(t) else { return nil }
        switch unit {
        case "g": return Int(n * 1024)
        case "t": return Int(n * 1_048_576)
        default: return Int(n)
        }
    }
}
