import Foundation

/// `oc create [--dry-run] -f FILE [-n NS]` and `oc get -f FILE -o name` (kubectl 1.11): the objects
/// of a file, created in (or looked up from) the one object store, in any existing namespace.
extension OcExport {
    /// `oc get -f FILE -o name`: each object of the file, looked up where it would be created.
    static func getFile(_ c: ToolContext, _ a: Arguments, file: String) throws -> Int32 {
        guard a["output"] == "name" else {
            throw c.fail("error: the simulator's get -f prints only -o name")
        }
        let decoded = try decode(c, file)
        let view = try c.view()
        try OcTool.requireAPI(c, view)
        var code: Int32 = 0
        for (r, item) in decoded {
            let ns = try targetNamespace(c, a, view, item)
            let name = item["metadata"]?["name"]?.plain ?? ""
            if objects(view, r, namespace: ns).contains(where: { $0["metadata"]?["name"]?.plain == name }) {
                c.out("\(r.kindName)/\(name)\n")
            } else {
                c.err("Error from server (NotFound): \(r.qualified) \"\(name)\" not found\n")
                code = 1
            }
        }
        return code
    }

    // MARK: - oc create -f

    /// The objects of a file (a `List`'s items in order), each with its resource; fails like
    /// kubectl 1.11 on a missing or unreadable file, an object without kind or with an unknown one.
    static func decode(_ c: ToolContext, _ file: String) throws -> [(Resource, JSONValue)] {
        let path = file.hasPrefix("/") ? file : EtcdctlTool.workingDirectory(c) + "/" + file
        guard let text = c.tree.read(path) else { throw c.fail("error: the path \"\(file)\" does not exist") }
        let docs: [JSONValue]
        do { docs = try parse(text, file: file) } catch {
            throw c.fail("error: error parsing \(file): error converting YAML to JSON: \(error)")
        }
        var items: [JSONValue] = []
        for doc in docs {
            if doc["kind"]?.plain == "List", case .array(let list)? = doc["items"] { items += list } else { items.append(doc) }
        }
        var out: [(Resource, JSONValue)] = []
        for item in items {
            guard case .string(let kind)? = item["kind"], !kind.isEmpty else {
                throw c.fail("error: unable to decode \"\(file)\": Object 'Kind' is missing in '\(item.compact)'")
            }
            let version = item["apiVersion"]?.plain ?? ""
            guard let r = resource(kind: kind, apiVersion: version), r.namespaced else {
                throw c.fail("error: unable to recognize \"\(file)\": no matches for kind \"\(kind)\" in version \"\(version)\"")
            }
            out.append((r, item))
        }
        guard !out.isEmpty else { throw c.fail("error: no objects passed to create") }
        return out
    }

    /// `-n`, or the object's own namespace; the two must agree (kubectl 1.11's check).
    static func targetNamespace(_ c: ToolContext, _ a: Arguments, _ v: ClusterView, _ item: JSONValue) throws -> String {
        let own = item["metadata"]?["namespace"]?.plain ?? ""
        let given = OcTool.namespace(c, a, v)
        if !own.isEmpty, own != given {
            if a["namespace"] == nil { return own }
            throw c.fail("error: the namespace from the provided object \"\(own)\" does not match the namespace \"\(given)\". You must pass '--namespace=\(own)' to perform this operation.")
        }
        return given
    }

    /// The API server gives a ClusterIP service without an address one from the service network
    /// (172.30.0.0/16 by default in 3.11); the simulator picks one from the object's name, away from
    /// the addresses it gives its own services (172.30.0.1, 172.30.100-199.x).
    static func allocateClusterIP(_ spec: JSONValue?, for key: String) -> JSONValue? {
        guard case .object(var s) = spec ?? .object([:]) else { return spec }
        let type = s["type"]?.plain ?? "ClusterIP"
        guard type == "ClusterIP" || type == "NodePort" || type == "LoadBalancer", (s["clusterIP"]?.plain ?? "").isEmpty else { return spec }
        let h = abs(stableHash("clusterIP/" + key))
        s["clusterIP"] = .string("172.30.\(200 + h % 50).\(2 + (h / 50) % 250)")
        return .object(s)
    }

    static func create(_ c: ToolContext, _ a: Arguments, file: String) throws -> Int32 {
        let decoded = try decode(c, file)
        if a.flag("dry-run") {
            // kubectl 1.11's --dry-run is client side: nothing is sent to the server (the
            // namespace check is the client's too).
            let view = try c.view()
            for (r, item) in decoded {
                _ = try targetNamespace(c, a, view, item)
                c.out("\(r.kindName)/\(item["metadata"]?["name"]?.plain ?? "") created (dry run)\n")
            }
            return 0
        }
        return try c.update { v in
            try OcTool.requireAPI(c, v)
            var code: Int32 = 0
            for (r, item) in decoded {
                let ns = try targetNamespace(c, a, v, item)
                let name = item["metadata"]?["name"]?.plain ?? ""
                func refuse(_ message: String) { c.err("Error from server\(message)\n"); code = 1 }
                // The API server's order: the namespace lifecycle admission plugin, validation,
                // then the etcd3 store's Create (resourceVersion, then the key's existence).
                guard OcGet.namespaces(v).contains(ns) else {
                    refuse(" (NotFound): error when creating \"\(file)\": namespaces \"\(ns)\" not found")
                    continue
                }
                if OcProjects.project(v, ns)?.terminating == true {
                    refuse(" (Forbidden): error when creating \"\(file)\": \(r.qualified) \"\(name)\" is forbidden: unable to create new content in namespace \(ns) because it is being terminated")
                    continue
                }
                if name.isEmpty {
                    refuse(" (Invalid): error when creating \"\(file)\": \(r.kind) \"\" is invalid: metadata.name: Required value: name or generateName is required")
                    continue
                }
                if let rv = item["metadata"]?["resourceVersion"]?.plain, !rv.isEmpty {
                    // A plain error of the store (no API status): the server answers a 500 without a
                    // reason, so kubectl prints no `(Reason)`.
                    refuse(": error when creating \"\(file)\": resourceVersion should not be set on objects to be created")
                    continue
                }
                if objects(v, r, namespace: ns).contains(where: { $0["metadata"]?["name"]?.plain == name }) {
                    refuse(" (AlreadyExists): error when creating \"\(file)\": \(r.qualified) \"\(name)\" already exists")
                    continue
                }
                guard case .object(var o) = item, case .object(var meta)? = o["metadata"] else { continue }
                meta["namespace"] = .string(ns)
                // BeforeCreate's FillObjectMetaSystemFields sets these anew (served() shows them),
                // and PrepareForCreate resets the status (what the server reports is derived).
                for key in ["uid", "selfLink", "creationTimestamp"] { meta[key] = nil }
                o["metadata"] = .object(meta)
                o["status"] = nil
                if r.kind == "Service" { o["spec"] = allocateClusterIP(o["spec"], for: ns + "/" + name) }
                OcStore.put(&v, .object(o))
                c.out("\(r.kindName)/\(name) created\n")
            }
            return code
        }
    }
}
