import Foundation

/// etcdctl with ETCDCTL_API=3.
enum EtcdV3 {
    static func run(_ s: EtcdSession) throws -> Int32 {
        let c = s.c
        let words = s.command()
        guard let first = words.first else {
            c.out("NAME:\n\tetcdctl - A simple command line client for etcd3.\n\nUSAGE:\n\tetcdctl\n")
            return 0
        }
        let sub = words.count > 1 ? words[1] : ""
        switch (first, sub) {
        case ("version", _):
            c.out("etcdctl version: 3.2.22\nAPI version: 3.2\n")
            return 0
        case ("member", "list"): return try memberList(s)
        case ("member", "add"):
            guard words.count == 3, let peer = s.args["peer-urls"], !peer.isEmpty else {
                throw c.etcdV3Exit(words.count < 3 ? "member name not provided." : "member peer urls not provided.", .badArgs)
            }
            return try c.update { v in
                guard s.reachable(v) != nil else { throw c.etcdV3Exit("context deadline exceeded", .badConnection) }
                do throws(EtcdMembership.Failure) {
                    let m = try EtcdMembership.add(&v, name: words[2], peerURL: peer)
                    c.out("Member \(m.id) added to cluster \(v.state.etcdClusterID)\n\n")
                    c.out("ETCD_NAME=\"\(words[2])\"\n")
                    c.out("ETCD_INITIAL_CLUSTER=\"\(EtcdMembership.initialCluster(v, adding: words[2], peerURL: peer))\"\n")
                    c.out("ETCD_INITIAL_CLUSTER_STATE=\"existing\"\n")
                    return 0
                } catch { throw EtcdMembership.v3Exit(c, error) }
            }
        case ("member", "remove"):
            guard words.count == 3 else { throw c.etcdV3Exit("member ID is not provided", .badArgs) }
            return try c.update { v in
                guard s.reachable(v) != nil else { throw c.etcdV3Exit("context deadline exceeded", .badConnection) }
                do throws(EtcdMembership.Failure) {
                    try EtcdMembership.remove(&v, id: words[2])
                    c.out("Member \(words[2]) removed from cluster \(v.state.etcdClusterID)\n")
                    return 0
                } catch { throw EtcdMembership.v3Exit(c, error, id: words[2]) }
            }
        case ("endpoint", "health"): return try health(s)
        case ("snapshot", "save"):
            guard words.count == 3 else { throw c.etcdV3Exit("snapshot save expects one argument", .badArgs) }
            // 3.2.22 creates `FILE.part` before it connects: a missing directory is exit 128 (ExitBadArgs).
            let path = words[2].hasPrefix("/") ? words[2] : "/root/" + words[2]
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: c.tree.real((path as NSString).deletingLastPathComponent),
                                                 isDirectory: &isDirectory), isDirectory.boolValue else {
                throw c.etcdV3Exit("could not open \(words[2]).part (open \(words[2]).part: no such file or directory)", .badArgs)
            }
            // 3.2 has no one-endpoint rule (3.4 added it): the client saves from the first endpoint that answers.
            let v = try c.view()
            guard s.reachable(v) != nil else { throw c.etcdV3Exit("context deadline exceeded", .badConnection) }
            try c.tree.write(path, EtcdSnapshot.file(v.state))
            c.out("Snapshot saved at \(words[2])\n")
            return 0
        case ("snapshot", "restore"): return try EtcdSnapshot.restore(s, words)
        case ("put", _): return try EtcdSnapshot.put(s, words)
        case ("get", _): return try EtcdSnapshot.get(s, words)
        default:
            throw c.etcdV3CobraExit("unknown command \"\(first)\" for \"etcdctl\"", hint: "Run 'etcdctl --help' for usage.")
        }
    }

    static func memberList(_ s: EtcdSession) throws -> Int32 {
        let c = s.c
        let v = try c.view()
        guard s.reachable(v) != nil else { throw c.etcdV3Exit("context deadline exceeded", .badConnection) }
        let rows = v.state.etcdMembers.map { m in
            [m.id, m.started ? "started" : "unstarted", m.name, m.peerURL, m.clientURL]
        }
        switch s.args["write-out"] ?? "simple" {
        case "table":
            c.out(box(["ID", "STATUS", "NAME", "PEER ADDRS", "CLIENT ADDRS"], rows))
        case "json":
            let members: [JSONValue] = v.state.etcdMembers.map { m in
                var o: [String: JSONValue] = ["ID": .raw(String(UInt64(m.id, radix: 16) ?? 0)), "peerURLs": .array([.string(m.peerURL)])]
                if m.started { o["name"] = .string(m.name); o["clientURLs"] = .array([.string(m.clientURL)]) }
                return .object(o)
            }
            let doc = JSONValue.object(["header": .object(["cluster_id": .raw(String(UInt64(v.state.etcdClusterID, radix: 16) ?? 0)),
                                                           "member_id": .raw(String(UInt64(s.reachable(v)?.id ?? "0", radix: 16) ?? 0)),
                                                           "raft_term": .number(7)]),
                                        "members": .array(members)])
            c.out(doc.plain + "\n")
        case "simple":
            for r in rows { c.out(r.joined(separator: ", ") + "\n") }
        default:
            throw c.etcdV3Exit("unsupported output format", .badFeature)
        }
        return 0
    }

    static func health(_ s: EtcdSession) throws -> Int32 {
        let c = s.c
        let v = try c.view()
        // 3.2.22's `endpoint health` (ctlv3/command/ep_command.go) asks exactly the --endpoints;
        // `--cluster` came in 3.3.
        let endpoints = s.endpoints
        var bad = false
        for (i, e) in endpoints.enumerated() {
            if let m = v.member(forEndpoint: e), v.etcdMemberUp(m), v.etcdQuorum {
                c.out("\(e) is healthy: successfully committed proposal: took = \(["5.011358", "1.305173", "1.388772", "2.140311"][i % 4])ms\n")
            } else if let m = v.member(forEndpoint: e), v.etcdProcessRunning(m) {
                c.err("\(e) is unhealthy: failed to commit proposal: context deadline exceeded\n")
                bad = true
            } else {
                c.err("\(e) is unhealthy: failed to connect: context deadline exceeded\n")
                bad = true
            }
        }
        if bad { throw c.etcdV3Exit("unhealthy cluster") }
        return 0
    }

    /// tablewriter's boxed table with centred headers.
    static func box(_ header: [String], _ rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for r in rows { for (i, cell) in r.enumerated() { widths[i] = max(widths[i], cell.count) } }
        let line = "+" + widths.map { String(repeating: "-", count: $0 + 2) + "+" }.joined() + "\n"
        func centred(_ t: String, _ w: Int) -> String {
            let left = (w - t.count) / 2
            return String(repeating: " ", count: left) + t + String(repeating: " ", count: w - t.count - left)
        }
        var out = line + "|" + header.enumerated().map { " " + centred($1, widths[$0]) + " |" }.joined() + "\n" + line
        for r in rows {
            out += "|" + r.enumerated().map { " " + $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) + " |" }.joined() + "\n"
        }
        return out + line
    }
}
