import Foundation
import RunbookYAML

/// Routes with TLS (8.1): `oc get route … [-o yaml] [--export]` (every route), `oc delete route`,
/// `oc create route edge|reencrypt|passthrough [NAME] --service …` and `oc create -f FILE` for the
/// routes outside new-project projects (the metrics route of openshift-infra as installed), following
/// origin release-3.11 `pkg/oc/cli/create/route.go` and kubectl 1.11 `create -f`.
enum OcRoutes {
    static let specs = OcTool.specs + [
        .init("export", value: false), .init("service"), .init("cert"), .init("key"), .init("ca-cert"), .init("dest-ca-cert"),
        .init("port"), .init("insecure-policy"), .init("wildcard-policy"), .init("filename", "f"),
    ]
    static let routeKinds: Set<String> = ["route", "routes"]
    /// Services outside new-project projects that a route may point at.
    static let installedServices = ["openshift-infra/hawkular-metrics"]

    /// The exit code when `c.args` is one of the commands above; nil for any other `oc` command.
    static func intercept(_ c: ToolContext) throws -> Int32? {
        guard case .success(let a) = Arguments.parse(c.args, specs) else { return nil }
        let words = OcServiceAccounts.splitKindName(a.positionals)
        switch (words.first, words.dropFirst().first) {
        case ("get", let kind?) where routeKinds.contains(kind):
            return try get(c, a, Array(words.dropFirst(2)))
        case ("delete", let kind?) where routeKinds.contains(kind):
            return try delete(c, a, Array(words.dropFirst(2)))
        case ("create", "route"):
            return try createRoute(c, a, Array(words.dropFirst(2)))
        case ("create", nil) where a["filename"] != nil:
            return try createFromFile(c, a, a["filename"] ?? "")
        default:
            return nil
        }
    }

    static func routes(_ v: ClusterView) -> [SimTLSRoute] { v.state.infraRoutes ?? SimTLSRoute.installed }

    /// Stores the routes; the installed set again (a rollback re-created it) is stored as nil.
    static func save(_ v: inout ClusterView, _ all: [SimTLSRoute]) {
        v.state.infraRoutes = all == SimTLSRoute.installed ? nil : all
    }

    static func json(_ r: SimTLSRoute, export: Bool) -> JSONValue {
        var metadata: [String: JSONValue] = ["name": .string(r.name)]
        if !export {
            metadata["namespace"] = .string(r.namespace)
            // derived from the content (a real API server shows the etcd revision of the last write)
            metadata["resourceVersion"] = .string(String(4000 + Int(OcServiceAccounts.hash("\(r)") % 5000)))
            metadata["selfLink"] = .string("/apis/route.openshift.io/v1/namespaces/\(r.namespace)/routes/\(r.name)")
            metadata["creationTimestamp"] = .string(OcObjects.timestamp)
        }
        var spec: [String: JSONValue] = [
            "host": .string(r.host), "wildcardPolicy": .string("None"),
            "to": .object(["kind": .string("Service"), "name": .string(r.service), "weight": .number(100)]),
        ]
        if !r.termination.isEmpty {
            var tls: [String: JSONValue] = ["termination": .string(r.termination)]
            for (k, v) in [("certificate", r.certificate), ("key", r.key), ("caCertificate", r.caCertificate),
                           ("destinationCACertificate", r.destinationCACertificate)] where !v.isEmpty {
                tls[k] = .string(v)
            }
            spec["tls"] = .object(tls)
        }
        var o: [String: JSONValue] = ["apiVersion": .string("route.openshift.io/v1"), "kind": .string("Route"),
                                      "metadata": .object(metadata), "spec": .object(spec)]
        if !export {
            o["status"] = .object(["ingress": .array([.object(["host": .string(r.host), "routerName": .string("router"),
                                                               "wildcardPolicy": .string("None")])])])
        }
        return .object(o)
    }

    static func objects(_ v: ClusterView, export: Bool) -> [OcObject] {
        routes(v).map { r in
            OcObject(kindName: "route.route.openshift.io", name: r.name, namespace: r.namespace,
                     headers: ["NAME", "HOST/PORT", "PATH", "SERVICES", "PORT", "TERMINATION", "WILDCARD"],
                     cells: [r.name, r.host, "", r.service, "<all>", r.termination, "None"], json: json(r, export: export))
        }
    }

    static func get(_ c: ToolContext, _ a: Arguments, _ names: [String]) throws -> Int32 {
        let view = try c.view()
        try OcTool.requireAPI(c, view)
        let ns = a.flag("all-namespaces") ? nil : OcTool.namespace(c, a, view)
        let all = (OcProjects.routes(view) + objects(view, export: a.flag("export"))).filter { ns == nil || $0.namespace == ns }
        guard a["output"] == "yaml" else {
            return try OcGet.emit(c, a, a["output"] ?? "", kind: "routes.route.openshift.io", names: names, objects: all,
                                  namespaced: true, allNamespaces: ns == nil)
        }
        var selected: [OcObject] = []
        var code: Int32 = 0
        for n in names {
            if let o = all.first(where: { $0.name == n }) { selected.append(o) } else {
                c.err("Error from server (NotFound): routes.route.openshift.io \"\(n)\" not found\n"); code = 1
            }
        }
        if names.isEmpty { selected = all }
        if names.count == 1, let one = selected.first { c.out(YAMLOutput.render(one.json)) } else if !selected.isEmpty || names.isEmpty {
            c.out(YAMLOutput.render(.list(selected.map(\.json))))
        }
        return code
    }

    static func delete(_ c: ToolContext, _ a: Arguments, _ names: [String]) throws -> Int32 {
        guard !names.isEmpty else { throw c.fail("error: resource(s) were provided, but no name, label selector, or --all flag specified") }
        return try c.update { v in
            try OcTool.requireAPI(c, v)
            let ns = OcTool.namespace(c, a, v)
            var all = routes(v)
            var code: Int32 = 0
            for name in names {
                guard all.contains(where: { $0.name == name && $0.namespace == ns }) else {
                    if OcProjects.routes(v).contains(where: { $0.name == name && $0.namespace == ns }) {
                        throw c.fail("error: the simulator deletes routes of new-project projects only with their project")
                    }
                    c.err("Error from server (NotFound): routes.route.openshift.io \"\(name)\" not found\n"); code = 1; continue
                }
                all.removeAll { $0.name == name && $0.namespace == ns }
                c.out("route.route.openshift.io \"\(name)\" deleted\n")
            }
            save(&v, all)
            return code
        }
    }

    /// A file's text on the host running oc, or oc's error for a missing one.
    static func readFile(_ c: ToolContext, _ path: String) throws -> String {
        guard path.hasPrefix("/") else { throw c.fail("error: the simulator reads files by absolute path only (\(path))") }
        guard let text = c.tree.read(path) else { throw c.fail("error: open \(path): no such file or directory") }
        return text
    }

    static func serviceExists(_ v: ClusterView, _ ns: String, _ name: String) -> Bool {
        installedServices.contains("\(ns)/\(name)") || OcProjects.services(v).contains { $0.name == name && $0.namespace == ns }
    }

    static func createRoute(_ c: ToolContext, _ a: Arguments, _ args: [String]) throws -> Int32 {
        guard let termination = args.first, ["edge", "passthrough", "reencrypt"].contains(termination) else {
            throw c.fail("error: the simulator creates only edge, passthrough and reencrypt routes")
        }
        // origin's create route (3.x `resolveRouteName`, `resolveServiceName`): at most one name,
        // a service; then the service is read (`UnsecuredRoute`) before any certificate file.
        guard args.count <= 2 else { throw c.fail("error: multiple names provided. Please specify at most one") }
        guard let service = a["service"], !service.isEmpty else {
            throw c.fail("error: you need to provide a service name via --service")
        }
        let name = args.dropFirst().first ?? service
        var route = SimTLSRoute(name: name, namespace: "", host: a["hostname"] ?? "", service: service, termination: termination,
                                certificate: "", key: "", caCertificate: "", destinationCACertificate: "")
        return try c.update { v in
            try OcTool.requireAPI(c, v)
            let ns = try OcSecrets.existingNamespace(c, a, v)
            guard serviceExists(v, ns, service) else { throw c.fail("Error from server (NotFound): services \"\(service)\" not found") }
            if let p = a["cert"] { route.certificate = try readFile(c, p) }
            if let p = a["key"] { route.key = try readFile(c, p) }
            if let p = a["ca-cert"] { route.caCertificate = try readFile(c, p) }
            if let p = a["dest-ca-cert"] { route.destinationCACertificate = try readFile(c, p) }
            route.namespace = ns
            if route.host.isEmpty { route.host = "\(name)-\(ns).\(OcProjects.subdomain)" }
            try add(c, &v, route)
            return 0
        }
    }

    static func add(_ c: ToolContext, _ v: inout ClusterView, _ r: SimTLSRoute) throws {
        var all = routes(v)
        guard !all.contains(where: { $0.name == r.name && $0.namespace == r.namespace }),
              !OcProjects.routes(v).contains(where: { $0.name == r.name && $0.namespace == r.namespace }) else {
            throw c.fail("Error from server (AlreadyExists): routes.route.openshift.io \"\(r.name)\" already exists")
        }
        all.append(r)
        save(&v, all)
        c.out("route.route.openshift.io/\(r.name) created\n")
    }

    /// `oc create -f FILE [-n NS]` of one Route, as `oc get route -o yaml --export` writes it.
    static func createFromFile(_ c: ToolContext, _ a: Arguments, _ path: String) throws -> Int32 {
        let text = try readFile(c, path)
        guard let root = try? YAMLParser().parse(Array(text.utf8), file: path) else {
            throw c.fail("error: error parsing \(path): error converting YAML to JSON")
        }
        guard root["kind"]?.text == "Route" else { throw c.fail("error: the simulator creates only a Route from a file (\(path))") }
        let meta = root["metadata"], spec = root["spec"], tls = root["spec"]?["tls"]
        guard let name = meta?["name"]?.text, !name.isEmpty else {
            throw c.fail("error: error when creating \"\(path)\": Route \"\" is invalid: metadata.name: Required value: name or generateName is required")
        }
        return try c.update { v in
            try OcTool.requireAPI(c, v)
            let ns = try OcSecrets.existingNamespace(c, a, v)
            if let fileNS = meta?["namespace"]?.text, !fileNS.isEmpty, fileNS != ns {
                throw c.fail("error: the namespace from the provided object \"\(fileNS)\" does not match the namespace \"\(ns)\". You must pass '--namespace=\(fileNS)' to perform this operation.")
            }
            if let rv = meta?["resourceVersion"]?.text, !rv.isEmpty {
                // The etcd3 store's Create refuses it with a plain error (no API status), which the
                // server sends as a 500 without a reason: kubectl prints no `(Reason)`.
                throw c.fail("Error from server: error when creating \"\(path)\": resourceVersion should not be set on objects to be created")
            }
            let route = SimTLSRoute(name: name, namespace: ns, host: spec?["host"]?.text ?? "", service: spec?["to"]?["name"]?.text ?? "",
                                    termination: tls?["termination"]?.text ?? "", certificate: tls?["certificate"]?.text ?? "",
                                    key: tls?["key"]?.text ?? "", caCertificate: tls?["caCertificate"]?.text ?? "",
                                    destinationCACertificate: tls?["destinationCACertificate"]?.text ?? "")
            try add(c, &v, route)
            return 0
        }
    }
}
