import Foundation

/// `oc get` of the API objects of a namespace (tables, `-o name|json|jsonpath|yaml`, `--export`),
/// `oc delete` of the stored ones, and `oc get -f` / `oc create -f` (OcCreate.swift): what the
/// guide's project backup (4.7 / 6.1) and restore (6.2) and its secret, account and route
/// procedures (7.3, 8.1) read and write. Stored kinds come from the one object store (`OcStore`),
/// the others from the state they follow from (apps, controllers, claims); origin release-3.11,
/// kubectl 1.11.
enum OcExport {
    static let specs: [Arguments.Spec] = OcTool.specs + [.init("filename", "f"), .init("export", value: false)]

    /// A resource type: `secrets` / `Secret` in `v1`; `group` qualifies its names in messages.
    struct Resource {
        let plural: String
        let aliases: [String]
        let kind: String
        let group: String
        var apiVersion: String { group.isEmpty ? "v1" : group + "/v1" }
        /// `secrets "x"`, `rolebindings.authorization.openshift.io "x"` (errors).
        var qualified: String { group.isEmpty ? plural : plural + "." + group }
        /// `secret/x`, `rolebinding.authorization.openshift.io/x` (`created`, `-o name`).
        var kindName: String { group.isEmpty ? kind.lowercased() : kind.lowercased() + "." + group }
        /// Whether the simulator keeps objects of this type in a project (every type but Namespace).
        var namespaced: Bool { kind != "Namespace" }
    }

    static let resources: [Resource] = [
        .init(plural: "rolebindings", aliases: ["rolebinding"], kind: "RoleBinding", group: "authorization.openshift.io"),
        .init(plural: "serviceaccounts", aliases: ["serviceaccount", "sa"], kind: "ServiceAccount", group: ""),
        .init(plural: "secrets", aliases: ["secret"], kind: "Secret", group: ""),
        .init(plural: "configmaps", aliases: ["configmap", "cm"], kind: "ConfigMap", group: ""),
        .init(plural: "persistentvolumeclaims", aliases: ["persistentvolumeclaim", "pvc"], kind: "PersistentVolumeClaim", group: ""),
        .init(plural: "imagestreams", aliases: ["imagestream", "is"], kind: "ImageStream", group: "image.openshift.io"),
        .init(plural: "buildconfigs", aliases: ["buildconfig", "bc"], kind: "BuildConfig", group: "build.openshift.io"),
        .init(plural: "deploymentconfigs", aliases: ["deploymentconfig", "dc"], kind: "DeploymentConfig", group: "apps.openshift.io"),
        .init(plural: "services", aliases: ["service", "svc"], kind: "Service", group: ""),
        .init(plural: "routes", aliases: ["route"], kind: "Route", group: "route.openshift.io"),
        .init(plural: "templates", aliases: ["template"], kind: "Template", group: "template.openshift.io"),
        .init(plural: "namespaces", aliases: ["namespace", "ns"], kind: "Namespace", group: ""),
    ]

    static func resource(named word: String) -> Resource? {
        let w = word.lowercased()
        return resources.first { $0.plural == w || $0.aliases.contains(w) || $0.qualified == w }
    }

    /// The resource a file's object names: its kind in its group's version (openshift kinds also
    /// in the legacy `v1`, which origin 3.11 still serves).
    static func resource(kind: String, apiVersion: String) -> Resource? {
        resources.first { $0.kind == kind && ($0.apiVersion == apiVersion || (!$0.group.isEmpty && apiVersion == "v1")) }
    }

    /// Types `oc get` lists only here (the others have their own tables elsewhere).
    static let ownTables: Set<String> = ["rolebindings", "serviceaccounts", "secrets", "imagestreams", "buildconfigs", "templates",
                                         "namespaces", "routes"]
    /// Types whose objects all live in the store, so `oc delete` removes them there.
    static let deletable: Set<String> = ["rolebindings", "serviceaccounts", "secrets", "routes", "templates"]

    static func name(_ o: JSONValue) -> String { o["metadata"]?["name"]?.plain ?? "" }

    /// Handles the commands above; nil for every other `oc` command.
    static func dispatch(_ c: ToolContext) throws -> Int32? {
        guard case .success(let a) = Arguments.parse(c.args, specs), let first = a.positionals.first else { return nil }
        let words = Array(a.positionals.dropFirst())
        switch first {
        case "create" where a["filename"] != nil:
            guard words.isEmpty else { throw c.fail("error: Unexpected args: \(words)\nSee 'oc create -h' for help and examples.") }
            return try create(c, a, file: a["filename"] ?? "")
        case "get" where a["filename"] != nil:
            return try getFile(c, a, file: a["filename"] ?? "")
        case "get":
            guard var word = words.first else { return nil }
            var names = Array(words.dropFirst())
            if let slash = word.firstIndex(of: "/") {
                names.insert(String(word[word.index(after: slash)...]), at: 0)
                word = String(word[..<slash])
            }
            guard let r = resource(named: word) else {
                if a.flag("export") || a["output"] == "yaml" {
                    throw c.fail("error: the simulator's get -o yaml knows \(resources.map(\.plural).joined(separator: ", ")) (not \"\(word)\")")
                }
                return nil
            }
            guard a["output"] == "yaml" || a.flag("export") || ownTables.contains(r.plural) else { return nil }
            return try get(c, a, r, names: names)
        case "delete":
            guard let word = words.first else { return nil }
            var names = Array(words.dropFirst()), kind = word
            if let slash = word.firstIndex(of: "/") {
                names.insert(String(word[word.index(after: slash)...]), at: 0)
                kind = String(word[..<slash])
            }
            guard let r = resource(named: kind), deletable.contains(r.plural) else { return nil }
            return try delete(c, a, r, names: names)
        default:
            return nil
        }
    }

    // MARK: - The objects of a project

    /// Every object of type `r` in namespace `ns` as the API server returns it (uid,
    /// resourceVersion, selfLink, creationTimestamp set); for namespaces, the project `ns` itself.
    static func objects(_ v: ClusterView, _ r: Resource, namespace ns: String) -> [JSONValue] {
        var list: [JSONValue] = []
        let apps = OcProjects.project(v, ns)?.apps ?? []
        switch r.plural {
        case "namespaces":
            guard OcGet.namespaces(v).contains(ns) else { return [] }
            let phase = OcProjects.project(v, ns)?.terminating == true ? "Terminating" : "Active"
            list = [.object(["apiVersion": .string("v1"), "kind": .string("Namespace"),
                             "metadata": .object(["name": .string(ns),
                                                  "annotations": .object(["openshift.io/requester": .string("system:admin")])]),
                             "spec": .object(["finalizers": .array([.string("openshift.io/origin"), .string("kubernetes")])]),
                             "status": .object(["phase": .string(phase)])])]
        case "deploymentconfigs": list = OcObjects.deploymentConfigs(v).filter { $0.namespace == ns }.map(\.json)
        case "services": list = (OcObjects.services(v) + OcProjects.services(v)).filter { $0.namespace == ns }.map(\.json)
        case "configmaps": list = OcObjects.configMaps(v).filter { $0.namespace == ns }.map(\.json)
        case "persistentvolumeclaims":
            list = (v.state.claims ?? []).filter { $0.namespace == ns }.map { OcVolumes.claimObject($0).json }
        case "imagestreams":
            list = apps.map { app in
                .object(["apiVersion": .string(r.apiVersion), "kind": .string(r.kind),
                         "metadata": .object(["name": .string(app.name), "namespace": .string(ns), "labels": .object(["app": .string(app.name)])]),
                         "spec": .object(["lookupPolicy": .object(["local": .bool(false)])]),
                         "status": .object(["dockerImageRepository": .string("docker-registry.default.svc:5000/\(ns)/\(app.name)")])])
            }
        case "buildconfigs":
            list = apps.filter { !$0.source.isEmpty }.map { app in
                .object(["apiVersion": .string(r.apiVersion), "kind": .string(r.kind),
                         "metadata": .object(["name": .string(app.name), "namespace": .string(ns), "labels": .object(["app": .string(app.name)])]),
                         "spec": .object([
                            "source": .object(["type": .string("Git"), "git": .object(["uri": .string(app.source)])]),
                            "strategy": .object(["type": .string("Source"), "sourceStrategy": .object([
                                "from": .object(["kind": .string("ImageStreamTag"), "name": .string(app.image.split(separator: "/").last.map(String.init) ?? app.image)])])]),
                            "output": .object(["to": .object(["kind": .string("ImageStreamTag"), "name": .string(app.name + ":latest")])]),
                         ]),
                         "status": .object(["lastVersion": .number(1)])])
            }
        default: break
        }
        if r.namespaced { list += OcStore.bodies(v, r.kind, namespace: ns) }
        return list.map { served($0, r, namespace: ns) }
    }

    /// Adds the metadata the API server sets, where the object has none yet.
    static func served(_ object: JSONValue, _ r: Resource, namespace ns: String) -> JSONValue {
        guard case .object(var o) = object, case .object(var meta)? = o["metadata"] else { return object }
        let name = meta["name"]?.plain ?? ""
        if r.namespaced { meta["namespace"] = meta["namespace"] ?? .string(ns) }
        meta["creationTimestamp"] = meta["creationTimestamp"] ?? .string(OcObjects.timestamp)
        meta["resourceVersion"] = meta["resourceVersion"] ?? .string(String(1000 + abs(stableHash(r.kind + ns + name)) % 9000))
        let base = r.group.isEmpty ? "/api/v1" : "/apis/\(r.apiVersion)"
        meta["selfLink"] = meta["selfLink"] ?? .string(r.namespaced ? "\(base)/namespaces/\(ns)/\(r.plural)/\(name)" : "\(base)/\(r.plural)/\(name)")
        meta["uid"] = meta["uid"] ?? .string(uid(r.kind + "/" + ns + "/" + name))
        o["metadata"] = .object(meta)
        if r.kind == "Route", o["status"] == nil {
            // The router admitted it (the simulated router serves every route at once).
            o["status"] = .object(["ingress": .array([.object(["host": o["spec"]?["host"] ?? .string(""), "routerName": .string("router"),
                                                               "wildcardPolicy": .string("None")])])])
        }
        return .object(o)
    }

    /// `--export`: what kubernetes 1.11's `exportObjectMeta` clears (uid, namespace, creation and
    /// deletion timestamps, resourceVersion, selfLink; the name of an object with generateName),
    /// and the status `PrepareForCreate` resets.
    static func exported(_ object: JSONValue) -> JSONValue {
        guard case .object(var o) = object, case .object(var meta)? = o["metadata"] else { return object }
        for key in ["uid", "namespace", "deletionTimestamp", "resourceVersion", "selfLink"] { meta[key] = nil }
        meta["creationTimestamp"] = .null
        if case .string(let g)? = meta["generateName"], !g.isEmpty { meta["name"] = nil }
        o["metadata"] = .object(meta)
        if o["status"] != nil { o["status"] = .object([:]) }
        return .object(o)
    }

    static func stableHash(_ s: String) -> Int {
        var h: UInt64 = 1469598103934665603
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 1099511628211 }
        return Int(truncatingIfNeeded: h >> 1)
    }

    static func uid(_ s: String) -> String {
        let hex = String(format: "%016llx%016llx", UInt64(truncatingIfNeeded: stableHash(s)), UInt64(truncatingIfNeeded: stableHash(s + "#")))
        let c = Array(hex)
        return "\(String(c[0..<8]))-\(String(c[8..<12]))-\(String(c[12..<16]))-\(String(c[16..<20]))-\(String(c[20..<32]))"
    }

    // MARK: - oc get

    static func get(_ c: ToolContext, _ a: Arguments, _ r: Resource, names: [String]) throws -> Int32 {
        let view = try c.view()
        try OcTool.requireAPI(c, view)
        let output = a["output"] ?? ""
        let export = a.flag("export")
        var items: [JSONValue]
        if r.namespaced {
            if a.flag("all-namespaces") {
                items = OcGet.namespaces(view).flatMap { objects(view, r, namespace: $0) }
            } else {
                items = objects(view, r, namespace: OcTool.namespace(c, a, view))
            }
        } else {
            items = OcGet.namespaces(view).flatMap { objects(view, r, namespace: $0) }
        }
        if export { items = items.map(exported) }
        guard output == "yaml" else {
            let rows = items.map { item -> OcObject in
                let (headers, cells) = row(r, item)
                return OcObject(kindName: r.kindName, name: name(item), namespace: item["metadata"]?["namespace"]?.plain ?? "",
                                headers: headers, cells: cells, json: item)
            }
            return try OcGet.emit(c, a, output, kind: r.qualified, names: names, objects: rows, namespaced: r.namespaced,
                                  allNamespaces: a.flag("all-namespaces"))
        }
        var selected = items, missing: [String] = []
        if !names.isEmpty {
            selected = []
            for n in names {
                if let o = items.first(where: { $0["metadata"]?["name"]?.plain == n }) { selected.append(o) } else { missing.append(n) }
            }
        }
        if !(names.count == 1 && selected.isEmpty) {
            c.out(yaml(names.count == 1 ? selected[0] : .list(selected)))
        }
        for n in missing { c.err("Error from server (NotFound): \(r.qualified) \"\(n)\" not found\n") }
        return missing.isEmpty ? 0 : 1
    }

    /// A table row of a stored or project type: its own columns where `oc` has them.
    static func row(_ r: Resource, _ item: JSONValue) -> (headers: [String], cells: [String]) {
        switch r.kind {
        case "Route": return OcRoutes.row(item)
        case "RoleBinding": return RoleBindings.row(item)
        case "Secret":
            var data = 0
            if case .object(let d)? = item["data"] { data = d.count }
            return (["NAME", "TYPE", "DATA", "AGE"], [name(item), item["type"]?.plain ?? "Opaque", String(data), "1m"])
        case "ServiceAccount":
            return (["NAME", "SECRETS", "AGE"], [name(item), String(OcServiceAccounts.names(item, "secrets").count), "1m"])
        case "Service":
            var ports: [String] = []
            if case .array(let list)? = item["spec"]?["ports"] {
                ports = list.map { "\($0["port"]?.plain ?? "")/\($0["protocol"]?.plain ?? "TCP")" }
            }
            return (["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"],
                    [name(item), item["spec"]?["type"]?.plain ?? "ClusterIP", item["spec"]?["clusterIP"]?.plain ?? "<none>", "<none>",
                     ports.isEmpty ? "<none>" : ports.joined(separator: ","), "1m"])
        case "DeploymentConfig":
            // kubectl 1.11's printer for origin 3.11: the triggers as `config` and `image(NAME)`.
            var triggers: [String] = []
            if case .array(let list)? = item["spec"]?["triggers"] {
                for t in list {
                    switch t["type"]?.plain {
                    case "ConfigChange": triggers.append("config")
                    case "ImageChange": triggers.append("image(\(t["imageChangeParams"]?["from"]?["name"]?.plain ?? ""))")
                    default: break
                    }
                }
            }
            return (["NAME", "REVISION", "DESIRED", "CURRENT", "TRIGGERED BY"],
                    [name(item), item["status"]?["latestVersion"]?.plain ?? "0", item["spec"]?["replicas"]?.plain ?? "0",
                     item["status"]?["replicas"]?.plain ?? "0", triggers.joined(separator: ",")])
        case "PersistentVolumeClaim":
            // The simulator provisions no volume for a stored claim: it stays Pending (the harsher
            // side: a real cluster with a default storage class binds it within seconds).
            return (["NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS MODES", "STORAGECLASS", "AGE"],
                    [name(item), item["status"]?["phase"]?.plain ?? "Pending", "", "", "", item["spec"]?["storageClassName"]?.plain ?? "", "1m"])
        case "ConfigMap":
            var data = 0
            if case .object(let d)? = item["data"] { data = d.count }
            return (["NAME", "DATA", "AGE"], [name(item), String(data), "1m"])
        default: return (["NAME", "AGE"], [name(item), "1m"])
        }
    }

    /// The stored objects of a table type (`oc get svc`, `dc`, `cm`, `pvc` without `-o yaml`), in
    /// `ns` or in every namespace: what `oc create -f` made, listed with the objects the state
    /// derives, as the API server lists one kind from one store.
    static func storedRows(_ v: ClusterView, _ plural: String, namespace ns: String?) -> [OcObject] {
        guard let r = resource(named: plural) else { return [] }
        return (ns.map { [$0] } ?? OcGet.namespaces(v)).flatMap { ns in
            OcStore.bodies(v, r.kind, namespace: ns).map { body in
                let item = served(body, r, namespace: ns)
                let (headers, cells) = row(r, item)
                return OcObject(kindName: r.kindName, name: name(item), namespace: ns, headers: headers, cells: cells, json: item)
            }
        }
    }

    // MARK: - oc delete

    /// `oc delete KIND NAME…` of a stored type: `KIND "NAME" deleted`, NotFound (exit 1) for the
    /// others; the default service accounts are refused (their controller re-creates them at once
    /// with new secrets, which is not simulated).
    static func delete(_ c: ToolContext, _ a: Arguments, _ r: Resource, names: [String]) throws -> Int32 {
        guard !names.isEmpty else { throw c.fail("error: resource(s) were provided, but no name, label selector, or --all flag specified") }
        return try c.update { v in
            try OcTool.requireAPI(c, v)
            let ns = OcTool.namespace(c, a, v)
            var code: Int32 = 0
            for n in names {
                if r.kind == "ServiceAccount", OcServiceAccounts.defaults.contains(n) {
                    throw c.fail("error: the simulator deletes no default service account (\"\(n)\" is one)")
                }
                guard OcStore.remove(&v, r.kind, namespace: ns, n) else {
                    c.err("Error from server (NotFound): \(r.qualified) \"\(n)\" not found\n"); code = 1; continue
                }
                c.out("\(r.kindName) \"\(n)\" deleted\n")
            }
            return code
        }
    }
}
