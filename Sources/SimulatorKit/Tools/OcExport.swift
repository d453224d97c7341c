import Foundation
import RunbookYAML

/// `oc get -o yaml [--export]`, `oc get -f FILE -o name`, `oc create [--dry-run] -f FILE` and the
/// project objects the guide's project backup (4.7 / 6.1) and restore (6.2) move: role bindings,
/// service accounts, secrets, config maps, claims, image streams, build configs, deployment
/// configs, services, routes, templates and the namespace (origin release-3.11, kubectl 1.11).
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
    static let ownTables: Set<String> = ["rolebindings", "serviceaccounts", "secrets", "imagestreams", "buildconfigs", "templates", "namespaces"]

    /// Whether this command belongs to the new-project object model before any other `oc` part
    /// sees it: every command in a project made with `oc new-project`; a file command (`-f`)
    /// anywhere but the namespaces of the installed routes (OcRoutes restores those); a YAML
    /// export of a namespace that does not exist (so the NotFound comes from here).
    static func ownsFirst(_ c: ToolContext) throws -> Bool {
        guard case .success(let a) = Arguments.parse(c.args, specs) else { return false }
        let view = try c.view()
        let ns = OcTool.namespace(c, a, view)
        if OcProjects.project(view, ns) != nil { return true }
        if a["filename"] != nil { return !SimTLSRoute.installed.contains { $0.namespace == ns } }
        if a["output"] == "yaml" || a.flag("export") { return !OcGet.namespaces(view).contains(ns) }
        return false
    }

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
        case "routes": list = OcProjects.routes(v).filter { $0.namespace == ns }.map(\.json)
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
        for o in OcProjects.project(v, ns)?.objects ?? [] where o.kind == r.kind {
            if let parsed = try? parse(o.yaml, file: "\(r.plural)/\(o.name)").first { list.append(parsed) }
        }
        // What `oc create sa|secret` and `oc policy` stored (OcServiceAccounts, OcSecrets) is the
        // newer state of an object of the same name.
        for o in accountModel(v, r, namespace: ns) {
            list.removeAll { $0["metadata"]?["name"]?.plain == o.name }
            list.append(o.json)
        }
        return list.map { served($0, r, namespace: ns) }
    }

    /// The accounts, bindings and secrets the installed-cluster model keeps for namespace `ns`
    /// (only those a command stored: an untouched default account is the project's own).
    static func accountModel(_ v: ClusterView, _ r: Resource, namespace ns: String) -> [OcObject] {
        switch r.plural {
        case "serviceaccounts":
            return (v.state.serviceAccounts ?? []).filter { $0.namespace == ns }.map(OcServiceAccounts.object)
        case "rolebindings":
            return OcServiceAccounts.bindings(v).filter { $0.namespace == ns }.map(OcServiceAccounts.object)
        case "secrets":
            return OcSecrets.objects(v).filter { $0.namespace == ns }
        default:
            return []
        }
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

    /// The service accounts and role bindings a new project gets (origin 3.11: the project request
    /// template's admin binding, the default role bindings controller's three, the service account
    /// controller's builder, default and deployer).
    static func projectDefaults(_ ns: String) -> [SimObject] {
        var list: [SimObject] = []
        for sa in ["builder", "default", "deployer"] {
            list.append(SimObject(kind: "ServiceAccount", name: sa, yaml: yaml(.object([
                "apiVersion": .string("v1"), "kind": .string("ServiceAccount"),
                "metadata": .object(["name": .string(sa), "namespace": .string(ns)])]))))
        }
        let bindings: [(String, String, JSONValue)] = [
            ("admin", "admin", .object(["kind": .string("User"), "name": .string("system:admin")])),
            ("system:deployers", "system:deployer", .object(["kind": .string("ServiceAccount"), "name": .string("deployer"), "namespace": .string(ns)])),
            ("system:image-builders", "system:image-builder", .object(["kind": .string("ServiceAccount"), "name": .string("builder"), "namespace": .string(ns)])),
            ("system:image-pullers", "system:image-puller", .object(["kind": .string("SystemGroup"), "name": .string("system:serviceaccounts:\(ns)")])),
        ]
        for (name, role, subject) in bindings {
            list.append(SimObject(kind: "RoleBinding", name: name, yaml: yaml(.object([
                "apiVersion": .string("authorization.openshift.io/v1"), "kind": .string("RoleBinding"),
                "metadata": .object(["name": .string(name), "namespace": .string(ns)]),
                "roleRef": .object(["name": .string(role)]), "subjects": .array([subject])]))))
        }
        return list
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
                let name = item["metadata"]?["name"]?.plain ?? ""
                return OcObject(kindName: r.kindName, name: name, namespace: item["metadata"]?["namespace"]?.plain ?? "",
                                headers: ["NAME", "AGE"], cells: [name, "1m"], json: item)
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
                func refuse(_ message: String) { c.err("Error from server (\(message)\n"); code = 1 }
                guard let pi = OcProjects.projects(v).firstIndex(where: { $0.name == ns }) else {
                    if OcGet.namespaces(v).contains(ns) {
                        throw c.fail("error: the simulator creates objects from files only in projects made with 'oc new-project' (\"\(ns)\" is one of the initial namespaces)")
                    }
                    refuse("NotFound): error when creating \"\(file)\": namespaces \"\(ns)\" not found")
                    continue
                }
                if v.state.projects?[pi].terminating == true {
                    refuse("Forbidden): error when creating \"\(file)\": \(r.qualified) \"\(name)\" is forbidden: unable to create new content in namespace \(ns) because it is being terminated")
                    continue
                }
                if objects(v, r, namespace: ns).contains(where: { $0["metadata"]?["name"]?.plain == name }) {
                    refuse("AlreadyExists): error when creating \"\(file)\": \(r.qualified) \"\(name)\" already exists")
                    continue
                }
                guard case .object(var o) = item, case .object(var meta)? = o["metadata"] else { continue }
                meta["namespace"] = .string(ns)
                for key in ["uid", "resourceVersion", "selfLink"] { meta[key] = nil }
                meta["creationTimestamp"] = nil
                o["metadata"] = .object(meta)
                let stored = SimObject(kind: r.kind, name: name, yaml: yaml(.object(o)))
                let existing = v.state.projects?[pi].objects ?? []
                v.state.projects?[pi].objects = existing + [stored]
                c.out("\(r.kindName)/\(name) created\n")
            }
            return code
        }
    }

    // MARK: - YAML

    /// The documents of a YAML text as JSON values (plain scalars typed as YAML 1.1 does for
    /// null, booleans and integers; everything else a string).
    static func parse(_ text: String, file: String) throws -> [JSONValue] {
        let node = try YAMLParser().parse(Array(text.utf8), file: file)
        return [json(node)]
    }

    static func json(_ n: Node) -> JSONValue {
        switch n.kind {
        case .sequence(let items): return .array(items.map(json))
        case .mapping(let pairs):
            var o: [String: JSONValue] = [:]
            for p in pairs { o[p.key.text ?? ""] = json(p.value) }
            return .object(o)
        case .scalar(let s):
            guard s.style == .plain else { return .string(s.text) }
            switch s.text {
            case "", "~", "null", "Null", "NULL": return .null
            case "true", "True", "TRUE": return .bool(true)
            case "false", "False", "FALSE": return .bool(false)
            default: return Int(s.text).map(JSONValue.number) ?? .string(s.text)
            }
        }
    }

    /// Block YAML as kubectl prints it (go-yaml v2): keys sorted, two-space indentation, sequence
    /// items at their key's indentation, strings quoted only where a plain scalar would not read back.
    static func yaml(_ value: JSONValue) -> String {
        var out = ""
        block(value, indent: 0, into: &out)
        return out
    }

    static func block(_ value: JSONValue, indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        switch value {
        case .object(let o) where !o.isEmpty:
            for key in o.keys.sorted() {
                let v = o[key] ?? .null
                out += pad + scalar(.string(key)) + ":"
                switch v {
                case .object(let inner) where !inner.isEmpty: out += "\n"; block(v, indent: indent + 2, into: &out)
                case .array(let inner) where !inner.isEmpty: out += "\n"; block(v, indent: indent, into: &out)
                default: out += " " + scalar(v) + "\n"
                }
            }
        case .array(let items) where !items.isEmpty:
            for item in items {
                let nested: Bool
                switch item {
                case .object(let o): nested = !o.isEmpty
                case .array(let list): nested = !list.isEmpty
                default: nested = false
                }
                guard nested else { out += pad + "- " + scalar(item) + "\n"; continue }
                var inner = ""
                block(item, indent: indent + 2, into: &inner)
                out += pad + "- " + inner.dropFirst(indent + 2)
            }
        default: out += pad + scalar(value) + "\n"
        }
    }

    static func scalar(_ v: JSONValue) -> String {
        switch v {
        case .object: return "{}"
        case .array: return "[]"
        case .string(let s): return plainSafe(s) ? s : JSONValue.quote(s)
        default: return v.rendered()
        }
    }

    static func plainSafe(_ s: String) -> Bool {
        guard let first = s.first, let last = s.last, first != " ", last != " " else { return false }
        if "-?:,[]{}#&*!|>'\"%@`".contains(first) { return false }
        if s.contains(": ") || s.contains(" #") || s.hasSuffix(":") { return false }
        if s.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) { return false }
        let reserved: Set<String> = ["true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"]
        if reserved.contains(s.lowercased()) { return false }
        if Double(s) != nil || Int(s) != nil || s.hasPrefix("0x") || s.hasPrefix("0o") { return false }
        return true
    }
}
