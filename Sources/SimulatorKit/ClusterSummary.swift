import Foundation

extension SimCluster {
    /// A readable summary: API, nodes, pods per node, etcd members and quorum, haproxy backends,
    /// docker storage, faults.
    /// - Throws: `SimError.io` when the state cannot be read.
    public func summary() throws(SimError) -> String {
        let v = try view()
        let s = v.state
        var out = "Simulated cluster in \(directory)\n"
        if let reason = v.apiUnavailableReason { out += "API: unavailable (\(reason))\n" } else {
            out += "API: available (serving masters: \(v.servingMasters.joined(separator: ", ")))\n"
        }
        out += "\nNodes:\n"
        var rows = [["  NAME", "ROLES", "STATUS", "SCHEDULABLE", "PODS"]]
        let pods = OcObjects.pods(v)
        for n in s.nodes {
            rows.append(["  " + n.name, n.roles.joined(separator: ","), v.nodeReady(n.name) ? "Ready" : "NotReady",
                         n.schedulable ? "yes" : "no", String(pods.filter { $0.node == n.name }.count)])
        }
        out += Table.render(rows)
        out += "\nPods per node:\n"
        for n in s.nodes {
            out += "  \(n.name): " + pods.filter { $0.node == n.name }.map(\.name).joined(separator: ", ") + "\n"
        }
        let pending = s.pods.filter { $0.node.isEmpty }.map(\.name)
        if !pending.isEmpty { out += "  (pending): " + pending.joined(separator: ", ") + "\n" }
        let real = RealEtcd(simDirectory: directory)
        if real.isEnabled {
            out += real.summary(s)
        } else {
        let up = s.etcdMembers.filter(v.etcdMemberUp).count
        out += "\netcd members (quorum: \(v.etcdQuorum ? "yes" : "NO"), \(up)/\(s.etcdMembers.count) up):\n"
        let leader = v.etcdLeader?.id
        rows = s.etcdMembers.map { m in
            ["  " + m.id, m.name.isEmpty ? "(unstarted)" : m.name, m.peerURL, m.started ? "started" : "unstarted",
             v.etcdMemberUp(m) ? "healthy" : "unhealthy", m.id == leader ? "leader" : ""]
        }
        out += Table.render(rows)
        }
        for lb in s.groups["lb"] ?? [] {
            let running = v.serviceActive(lb, "haproxy")
            out += "\nhaproxy backends (\(lb), \(running ? "running" : "stopped")):\n"
            for b in s.host(lb)?.haproxyBackends ?? [] {
                let name = String(b.split(separator: " ").first ?? "")
                out += "  \(b)  (api \(v.servingMasters.contains(name) ? "up" : "down"))\n"
            }
        }
        out += "\nDocker storage:\n"
        rows = [["  HOST", "VG", "VSIZE", "VFREE", "LV", "FS", "DRIVER", "DOCKER"]]
        for h in s.hosts {
            guard let st = h.storage else { continue }
            let free = s.faults.contains(.noFreeExtents(host: h.name)) ? 0 : st.vgFreeMiB
            rows.append(["  " + h.name, st.volumeGroup, LvmSize.format(st.vgSizeMiB, units: "g", suffix: true),
                         LvmSize.format(free, units: "g", suffix: true), LvmSize.format(st.lvSizeMiB, units: "g", suffix: true),
                         LvmSize.format(st.fsSizeMiB, units: "g", suffix: true), st.driver,
                         v.serviceActive(h.name, "docker") ? "running" : "stopped"])
        }
        out += Table.render(rows)
        out += "\nFaults: " + (s.faults.isEmpty ? "none" : s.faults.map(\.description).joined(separator: "; ")) + "\n"
        if let seconds = s.simulatedSeconds { out += "Simulated time: \(seconds)s since init (drains advance it)\n" }
        return out
    }

    /// The state as pretty JSON (for `runbook sim state --output json`).
    public func stateJSON() throws(SimError) -> String {
        do { return String(decoding: try StateStore.encoder.encode(try state()), as: UTF8.self) } catch let e as SimError {
            throw e
        } catch { throw SimError.io("\(error)") }
    }
}
