import Foundation

/// `vgs`, `lvs`, `pvs` and `lvextend` over a host's docker volume group.
enum LvmTool: SimTool {
    static let names = ["vgs", "lvs", "pvs", "lvextend", "pvresize", "growpart", "wipefs", "vgreduce", "pvremove", "df", "blockdev"]

    static let specs: [Arguments.Spec] = [
        .init("noheadings", value: false), .init("nosuffix", value: false), .init("units"), .init("options", "o"),
        .init("separator"), .init("resizefs", "r", value: false), .init("extents", "l"), .init("size", "L"),
        .init("verbose", "v", value: false), .init("all", "a", value: false), .init("no-act", "n", value: false),
        .init("parsable", "p", value: false), .init("dry-run", "N", value: false), .init("portability", "P", value: false),
        .init("megabytes", "m", value: false), .init("kilobytes", "k", value: false), .init("yes", "y", value: false),
        .init("force", "f", value: false), .init("getsize64", value: false),
    ]

    static func run(_ c: ToolContext) throws -> Int32 {
        let a: Arguments
        switch Arguments.parse(c.args, specs) {
        case .success(let p): a = p
        case .failure(let e): throw c.fail("\(c.tool): \(e.message.replacingOccurrences(of: "flag", with: "option"))\n  Run `\(c.tool) --help' for more information.", code: 3)
        }
        if c.tool == "lvextend" { return try LvExtend.run(c, a) }
        if c.tool == "pvresize" { return try pvresize(c, a) }
        if c.tool == "growpart" { return try DiskTools.growpart(c, a) }
        if c.tool == "wipefs" { return try DiskTools.wipefs(c, a) }
        if c.tool == "vgreduce" || c.tool == "pvremove" { return try DiskTools.removePV(c, a) }
        if c.tool == "df" { return try DiskTools.df(c, a) }
        if c.tool == "blockdev" { return try DiskTools.blockdev(c, a) }
        let view = try c.view()
        guard let storage = view.state.host(c.host)?.storage else { return 0 }
        if let code = try StorageRebuild.report(c, a, storage) { return code }
        let free = view.state.faults.contains(.noFreeExtents(host: c.host)) ? 0 : storage.vgFreeMiB
        let units = a["units"] ?? "h"
        func size(_ mib: Int) -> String { LvmSize.format(mib, units: units, suffix: !a.flag("nosuffix")) }
        if let filter = a.positionals.first, c.tool == "vgs", filter != storage.volumeGroup {
            throw c.fail("  Volume group \"\(filter)\" not found\n  Cannot process volume group \(filter)", code: 5)
        }
        var fields: [String: String] = [
            "vg_name": storage.volumeGroup, "pv_count": String(storage.physicalVolumes.count), "lv_count": storage.logicalVolume.isEmpty ? "0" : "1",
            "snap_count": "0", "vg_attr": "wz--n-", "vg_size": size(storage.vgSizeMiB), "vg_free": size(free),
            "lv_name": storage.logicalVolume, "lv_size": size(storage.lvSizeMiB),
            "lv_attr": storage.driver == "devicemapper" ? "twi-a-t---" : "-wi-ao----",
        ]
        var rows: [[String]] = []
        let defaults: [String]
        switch c.tool {
        case "vgs": defaults = ["vg_name", "pv_count", "lv_count", "snap_count", "vg_attr", "vg_size", "vg_free"]
            rows = [[]]
        case "lvs": defaults = ["lv_name", "vg_name", "lv_attr", "lv_size"]
            rows = [[]]
        default:
            defaults = ["pv_name", "vg_name", "pv_fmt", "pv_attr", "pv_size", "pv_free"]
            var remaining = storage.lvSizeMiB
            // `pvs DEVICE…` reports only those devices (lvm2's pvs: "Failed to find physical volume").
            let wanted = a.positionals
            for device in wanted where storage.physicalVolumes[device] == nil {
                throw c.fail("  Failed to find physical volume \"\(device)\".", code: 5)
            }
            for pv in storage.physicalVolumes.keys.sorted() {
                let pvSize = storage.physicalVolumes[pv] ?? 0
                let used = min(pvSize, remaining)
                remaining -= used
                fields["pv_name"] = pv
                fields["pv_fmt"] = "lvm2"
                fields["pv_attr"] = "a--"
                fields["pv_size"] = size(pvSize)
                fields["pv_free"] = size(free == 0 ? 0 : pvSize - used)
                if !wanted.isEmpty, !wanted.contains(pv) { continue }
                rows.append((a["options"]?.split(separator: ",").map(String.init) ?? defaults).map { fields[$0] ?? "" })
            }
        }
        let columns = a["options"]?.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } ?? defaults
        for col in columns where fields[col] == nil && !["pv_name", "pv_fmt", "pv_attr", "pv_size", "pv_free"].contains(col) {
            throw c.fail("  Unrecognised field: \(col)", code: 5)
        }
        if c.tool != "pvs" { rows = [columns.map { fields[$0] ?? "" }] }
        let header = columns.map { headers[$0] ?? $0 }
        c.out(render(a.flag("noheadings") ? rows : [header] + rows, numericFrom: c.tool == "vgs" ? 1 : 2))
        return 0
    }

    /// Grows a physical volume to its disk's size (after the disk itself was enlarged).
    static func pvresize(_ c: ToolContext, _ a: Arguments) throws -> Int32 {
        guard let device = a.positionals.first else {
            throw c.fail("  Please supply physical volume(s)\n  Run `pvresize --help' for more information.", code: 3)
        }
        return try c.update { v in
            guard let h = v.state.hostIndex(c.host), var s = v.state.hosts[h].storage else { return 5 }
            let disk = device.hasSuffix("1") ? String(device.dropLast()) : device
            let pv = disk + "1"
            guard s.physicalVolumes[pv] != nil, let size = v.state.hosts[h].disks[disk] else {
                throw c.fail("  Failed to find physical volume \"\(device)\".\n  0 physical volume(s) resized or updated / 1 physical volume(s) not resized", code: 5)
            }
            // lvm2's pvresize grows the PV to its block device: the partition, which is only as
            // large as `growpart` made it - an enlarged disk alone adds nothing.
            let partition = device.hasSuffix("1") ? s.partitionMiB(pv, on: v.state.hosts[h]) ?? 0 : size - 4
            if !v.state.faults.contains(.noFreeExtents(host: c.host)) { s.physicalVolumes[pv] = max(s.physicalVolumes[pv] ?? 0, partition) }
            v.state.hosts[h].storage = s
            c.out("  Physical volume \"\(pv)\" changed\n  1 physical volume(s) resized or updated / 0 physical volume(s) not resized\n")
            return 0
        }
    }

    static let headers = [
        "vg_name": "VG", "pv_count": "#PV", "lv_count": "#LV", "snap_count": "#SN", "vg_attr": "Attr", "vg_size": "VSize",
        "vg_free": "VFree", "lv_name": "LV", "lv_attr": "Attr", "lv_size": "LSize", "pv_name": "PV", "pv_fmt": "Fmt",
        "pv_attr": "Attr", "pv_size": "PSize", "pv_free": "PFree",
    ]

    /// LVM's report: two leading spaces, names left-aligned, counts and sizes right-aligned.
    static func render(_ rows: [[String]], numericFrom: Int) -> String {
        guard let count = rows.first?.count else { return "" }
        var widths = Array(repeating: 0, count: count)
        for r in rows { for (i, cell) in r.enumerated() { widths[i] = max(widths[i], cell.count) } }
        return rows.map { r in
            "  " + r.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                let rightAligned = cell.first.map { $0.isNumber || $0 == "<" } ?? false
                return rightAligned && i >= numericFrom ? pad + cell : cell + pad
            }.joined(separator: " ")
        }.joined(separator: "\n") + "\n"
    }
}

/// LVM's size display: `<20.00g`, `15.00g`, `20476.00m`.
enum LvmSize {
    static func format(_ mib: Int, units: String, suffix: Bool) -> String {
        let unit = units.lowercased()
        if mib == 0 { return suffix && unit != "b" ? "0 " : "0" }
        let value: Double
        let letter: String
        switch unit {
        case "m": value = Double(mib); letter = "m"
        case "b": return String(mib * 1_048_576) + (suffix ? "B" : "")
        case "t": value = Double(mib) / 1_048_576; letter = "t"
        default: value = Double(mib) / 1024; letter = "g"
        }
        let rounded = (value * 100).rounded() / 100
        let prefix = rounded > value + 1e-9 ? "<" : ""
        return prefix + String(format: "%.2f", rounded) + (suffix ? letter : "")
    }
}
