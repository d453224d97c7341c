import Foundation

/// Changes to a simulated host's disks that happen outside any runbook.
enum SimDisk {
    struct Missing: Error, CustomStringConvertible {
        var host: String, device: String
        var description: String { "growDisk \(host) \(device): no such host or disk in state.json" }
    }

    /// Enlarges a disk, as the hypervisor or cloud console does before the guide's "extend the
    /// existing disk" procedure (outside the runbook: "resize the disk as your platform allows").
    /// Edits the simulator's state file while no tool runs; the partition on it keeps its size.
    static func grow(sim: String, _ host: String, _ device: String, toMiB size: Int) throws {
        let url = URL(fileURLWithPath: "\(sim)/state.json")
        guard var state = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any],
              var hosts = state["hosts"] as? [[String: Any]],
              let index = hosts.firstIndex(where: { $0["name"] as? String == host }),
              var disks = hosts[index]["disks"] as? [String: Any], disks[device] != nil
        else { throw Missing(host: host, device: device) }
        disks[device] = size
        hosts[index]["disks"] = disks
        state["hosts"] = hosts
        try JSONSerialization.data(withJSONObject: state, options: [.prettyPrinted, .sortedKeys]).write(to: url)
    }
}
