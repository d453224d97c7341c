import Foundation

/// Routes with TLS (8.1): `oc create route edge|reencrypt|passthrough [NAME] --service …`, following
/// origin release-3.11 `pkg/oc/cli/create/route.go`. Routes are objects of the one store
/// (`OcStore`), made here, by `oc expose` and by `oc create -f`; get and delete are the generic ones.
enum OcRoutes {
    static let specs = OcTool.specs + [
        .init("export", value: false), .init("service"), .init("cert"), .init("key"), .init("ca-cert"), .init("dest-ca-cert"),
        .init("port"), .init("insecure-policy"), .init("wildcard-policy"),
    ]
    /// Services outside new-project projects that a route may point at.
    static let installedServices = ["openshift-infra/hawkular-metrics"]

    /// The exit code when `c.args` is one of the commands above; nil for any other `oc` command.
    static func intercept(_ c: ToolContext) throws -> Int32? {
        guard case .success(let a) = Arguments.parse(c.args, specs) else { return nil }
        let words = OcServiceAccounts.splitKindName(a.positionals)
        switch (words.first, words.dropFirst().first) {
        case ("create", "route"):
            return try createRoute(c, a, Array(words.dropFirst(2)))
        default:
            return nil
        }
    }

    /// A route as stored: to a service, the router's wildcard policy, TLS when `termination` is set
    /// (`tls` holds the PEM fields given: certificate, key, caCertificate, destinationCACertificate).
    static func body(name: String, namespace ns: String, host: String, service: String, termination: String = "",
                     tls: [String: String] = [:], targetPort: String? = nil) -> JSONValue {
        var spec: [String: JSONValue] = [
            "host": .string(host), "wildcardPolicy": .string("None"),
            "to": .object(["kind": .string("Service"), "name": .string(service), "weight": .number(100)]),
        ]
        if !termination.isEmpty {
            var t: [String: JSONValue] = ["termination": .string(termination)]
            for (k, v) in tls where !v.isEmpty { t[k] = .string(v) }
            spec["tls"] = .object(t)
        }
        if let targetPort { spec["port"] = .object(["targetPort": .string(targetPort)]) }
        return .object(["apiVersion": .string("route.openshift.io/v1"), "kind": .string("Route"),
                        "metadata": .object(["name": .string(name), "namespace": .string(ns)]), "spec": .object(spec)])
    }

    /// The `oc get routes` row: NAME, HOST/PORT, PATH, SERVICES, PORT, TERMINATION, WILDCARD.
    static func row(_ r: JSONValue) -> (headers: [String], cells: [String]) {
        let spec = r["spec"]
        return (["NAME", "HOST/PORT", "PATH", "SERVICES", "PORT", "TERMINATION", "WILDCARD"],
                [OcExport.name(r), spec?["host"]?.plain ?? "", spec?["path"]?.plain ?? "", spec?["to"]?["name"]?.plain ?? "",
                 spec?["port"]?["targetPort"]?.plain ?? "<all>", spec?["tls"]?["termination"]?.plain ?? "",
                 spec?["wildcardPolicy"]?.plain ?? "None"])
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
        return try c.update { v in
            try OcTool.requireAPI(c, v)
            let ns = try OcSecrets.existingNamespace(c, a, v)
            guard serviceExists(v, ns, service) else { throw c.fail("Error from server (NotFound): services \"\(service)\" not found") }
            var tls: [String: String] = [:]
            for (flag, field) in [("cert", "certificate"), ("key", "key"), ("ca-cert", "caCertificate"), ("dest-ca-cert", "destinationCACertificate")] {
                if let p = a[flag] { tls[field] = try readFile(c, p) }
            }
            let host = a["hostname"] ?? "\(name)-\(ns).\(OcProjects.subdomain)"
            guard OcStore.body(v, "Route", namespace: ns, name) == nil else {
                throw c.fail("Error from server (AlreadyExists): routes.route.openshift.io \"\(name)\" already exists")
            }
            OcStore.put(&v, body(name: name, namespace: ns, host: host, service: service, termination: termination, tls: tls))
            c.out("route.route.openshift.io/\(name) created\n")
            return 0
        }
    }
}
