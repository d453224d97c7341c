import Foundation

/// `oc adm manage-node`, `oc adm cordon|uncordon`, `oc delete node|pod`.
enum OcNodes {
    static func notFound(_ c: ToolContext, _ name: String) -> ToolExit {
        c.fail("Error from server (NotFound): nodes \"\(name)\" not found")
    }

    static func manageNode(_ c: ToolContext, _ a: Arguments) throws -> Int32 {
        let view = try c.view()
        try OcTool.requireAPI(c, view)
        var names = a.positionals
        if let sel = a["selector"] { names += view.state.nodes.filter { OcGet.matches(sel, $0.labels) }.map(\.name) }
        guard !names.isEmpty else { throw c.fail("error: at least one node name or --selector is required") }
        for n in names where view.state.node(n) == nil { throw notFound(c, n) }
        if let value = a["schedulable"] {
            guard value == "true" || value == "false" else {
                throw c.fail("error: invalid argument \"\(value)\" for \"--schedulable\" flag: strconv.ParseBool: parsing \"\(value)\": invalid syntax")
            }
            let after = try c.update { v -> ClusterView in
                for n in names { if let i = v.state.nodeIndex(n) { v.state.nodes[i].schedulable = value == "true" } }
                return v
            }
            let rows = OcObjects.nodes(after).filter { names.contains($0.name) }
            c.out(Table.render([rows[0].headers] + rows.map(\.cells)))
            return 0
        }
        if a.flag("evacuate") {
            throw c.fail("error: --evacuate is deprecated and not simulated; use 'oc adm drain'")
        }
        if a.flag("list-pods") {
            let pods = OcObjects.pods(view)
            for n in names {
                c.out("\nListing matched pods on node: \(n)\n\n")
                let mine = pods.filter { $0.node == n }
                c.out(Table.render([["NAME", "READY", "STATUS", "RESTARTS", "AGE"]] + mine.map(\.cells)))
            }
            return 0
        }
        throw c.fail("error: you must provide one of --schedulable, --list-pods or --evacuate\nSee 'oc adm manage-node -h' for help and examples.")
    }

    static func cordon(_ c: ToolContext, _ a: Arguments, schedulable: Bool) throws -> Int32 {
        guard a.positionals.count == 1, let name = a.positionals.first else {
            throw c.fail("error: USAGE: \(schedulable ? "uncordon" : "cordon") NODE [flags]\nSee 'oc adm \(schedulable ? "uncordon" : "cordon") -h' for help and examples.")
        }
        return try c.update { v in
            try OcTool.requireAPI(c, v)
            guard let i = v.state.nodeIndex(name) else { throw notFound(c, name) }
            let verb = schedulable ? "uncordoned" : "cordoned"
            if v.state.nodes[i].schedulable == schedulable { c.out("node/\(name) already \(verb)\n"); return 0 }
            v.state.nodes[i].schedulable = schedulable
            c.out("node/\(name) \(verb)\n")
            return 0
        }
    }

    static func delete(_ c: ToolContext, _ a: Arguments) throws -> Int32 {
        var words = a.positionals
        guard !words.isEmpty else { throw c.fail("error: You must provide one or more resources by argument or filename.") }
        var kind = words.removeFirst()
        if let slash = kind.firstIndex(of: "/") {
            words.insert(String(kind[kind.index(after: slash)...]), at: 0)
            kind = String(kind[..<slash])
        }
        guard !words.isEmpty else { throw c.fail("error: resource(s) were provided, but no name, label selector, or --all flag specified") }
        return try c.update { v in
            try OcTool.requireAPI(c, v)
            var code: Int32 = 0
            for name in words {
                switch kind {
                case "node", "nodes", "no":
                    guard v.state.nodeIndex(name) != nil else { c.err("Error from server (NotFound): nodes \"\(name)\" not found\n"); code = 1; continue }
                    v.state.nodes.removeAll { $0.name == name }
                    v.state.pods.removeAll { $0.node == name }
                    c.out("node \"\(name)\" deleted\n")
                case "pod", "pods", "po":
                    let ns = OcTool.namespace(c, a, v)
                    guard v.state.pods.contains(where: { $0.name == name && $0.namespace == ns }) else {
                        c.err("Error from server (NotFound): pods \"\(name)\" not found\n"); code = 1; continue
                    }
                    v.state.pods.removeAll { $0.name == name && $0.namespace == ns }
                    c.out("pod \"\(name)\" deleted\n")
                default:
                    throw c.fail("error: the server doesn't have a resource type \"\(kind)\"")
                }
            }
            return code
        }
    }
}
