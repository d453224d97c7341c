import Foundation
import RunbookCore

/// `oc get`: nodes, pods, endpoints, deploymentconfigs, replicationcontrollers, services, storageclasses, configmaps.
enum OcGet {
    static let version = "v1.11.0+d4cacc0"
    static let created = Date(timeIntervalSinceNow: -86400 * 3)

    static func namespaces(_ v: ClusterView) -> [String] {
        Array(Set(v.state.pods.map(\.namespace) + ["default", "kube-system", "openshift-sdn", "myapp", "openshift-infra"]
                  + OcProjects.projects(v).map(\.name))).sorted()
    }

    static func run(_ c: ToolContext, _ a: Arguments) throws -> Int32 {
        var words = a.positionals
        guard !words.isEmpty else {
            throw c.fail("You must specify the type of resource to get. Use \"oc api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"oc explain <resource>\" for a detailed description of that resource (e.g. oc explain pods).\nSee 'oc get -h' for help and examples.")
        }
        var kind = words.removeFirst()
        if let slash = kind.firstIndex(of: "/") {
            words.insert(String(kind[kind.index(after: slash)...]), at: 0)
            kind = String(kind[..<slash])
        }
        let view = try c.view()
        try OcTool.requireAPI(c, view)
        let ns = a.flag("all-namespaces") ? nil : OcTool.namespace(c, a, view)
        let output = a["output"] ?? ""
        switch kind.lowercased() {
        case "nodes", "node", "no":
            let selector = a["selector"]
            let nodes = OcObjects.nodes(view).filter { node in selector.map { matches($0, node.labels) } ?? true }
            return try emit(c, a, output, kind: "nodes", names: words, objects: nodes, namespaced: false)
        case "pods", "pod", "po":
            var pods = OcObjects.pods(view).filter { ns == nil || $0.namespace == ns }
            if let fs = a["field-selector"] {
                for clause in fs.split(separator: ",") {
                    let parts = clause.split(separator: "=", maxSplits: 1).map(String.init)
                    guard parts.count == 2, parts[0] == "spec.nodeName" else {
                        throw c.fail("Error from server (BadRequest): Unable to find \"/v1, Resource=pods\" that match label selector \"\", field selector \"\(fs)\": field label not supported: \(parts.first ?? "")")
                    }
                    pods = pods.filter { $0.node == parts[1] }
                }
            }
            if let sel = a["selector"] { pods = pods.filter { matches(sel, $0.labels) } }
            return try emit(c, a, output, kind: "pods", names: words, objects: pods, namespaced: true, allNamespaces: ns == nil)
        case "endpoints", "endpoint", "ep":
            return try emit(c, a, output, kind: "endpoints", names: words,
                            objects: OcObjects.endpoints(view).filter { ns == nil || $0.namespace == ns }, namespaced: true,
                            allNamespaces: ns == nil)
        case "services", "service", "svc":
            return try emit(c, a, output, kind: "services", names: words,
                            objects: (OcObjects.services(view) + OcProjects.services(view)).filter { ns == nil || $0.namespace == ns }
                                + OcExport.storedRows(view, "services", namespace: ns), namespaced: true,
                            allNamespaces: ns == nil)
        case "deploymentconfigs", "deploymentconfig", "dc":
            return try emit(c, a, output, kind: "deploymentconfigs.apps.openshift.io", names: words,
                            objects: OcObjects.deploymentConfigs(view).filter { ns == nil || $0.namespace == ns }
                                + OcExport.storedRows(view, "deploymentconfigs", namespace: ns), namespaced: true,
                            allNamespaces: ns == nil)
        case "replicationcontrollers", "replicationcontroller", "rc":
            return try emit(c, a, output, kind: "replicationcontrollers", names: words,
                            objects: OcObjects.replicationControllers(view).filter { ns == nil || $0.namespace == ns },
                            namespaced: true, allNamespaces: ns == nil)
        case "storageclass", "storageclasses", "sc":
            return try emit(c, a, output, kind: "storageclasses.storage.k8s.io", names: words,
                            objects: OcObjects.storageClasses(view), namespaced: false)
        case "configmaps", "configmap", "cm":
            return try emit(c, a, output, kind: "configmaps", names: words,
                            objects: OcObjects.configMaps(view).filter { ns == nil || $0.namespace == ns }
                                + OcExport.storedRows(view, "configmaps", namespace: ns), namespaced: true,
                            allNamespaces: ns == nil)
        case "projects", "project":
            return try OcProjects.getProjects(c, a, names: words)
        default:
            throw c.fail("error: the server doesn't have a resource type \"\(kind)\"")
        }
    }

    /// `key=value` and `key` selectors joined by commas.
    static func matches(_ selector: String, _ labels: [String: String]) -> Bool {
        selector.split(separator: ",").allSatisfy { clause in
            let parts = clause.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 1 { return labels[parts[0]] != nil }
            return labels[parts[0].trimmingCharacters(in: CharacterSet(charactersIn: "!"))] == parts[1]
        }
    }

    static func emit(_ c: ToolContext, _ a: Arguments, _ output: String, kind: String, names: [String],
                     objects: [OcObject], namespaced: Bool, allNamespaces: Bool = false) throws -> Int32 {
        var selected = objects
        var missing: [String] = []
        if !names.isEmpty {
            selected = []
            for n in names {
                if let o = objects.first(where: { $0.name == n }) { selected.append(o) } else { missing.append(n) }
            }
        }
        let single = names.count == 1 && selected.count == 1
        if output == "json" || output.hasPrefix("jsonpath") {
            let doc: JSONValue = single ? selected[0].json : .list(selected.map(\.json))
            if output == "json" { c.out(doc.rendered() + "\n") } else {
                var template = String(output.dropFirst("jsonpath".count))
                if template.hasPrefix("=") { template.removeFirst() }
                if template.hasPrefix("'") && template.hasSuffix("'") && template.count >= 2 { template = String(template.dropFirst().dropLast()) }
                do { c.out(try JSONPath.render(template, doc)) } catch {
                    throw c.fail("error: error parsing jsonpath \(template), \(error)")
                }
            }
        } else if output.hasPrefix("custom-columns=") {
            var rows: [[String]] = []
            var columns: [(String, String)] = []
            for spec in output.dropFirst("custom-columns=".count).split(separator: ",") {
                guard let colon = spec.firstIndex(of: ":") else {
                    throw c.fail("error: custom-columns format specified but no custom columns given")
                }
                columns.append((String(spec[..<colon]), String(spec[spec.index(after: colon)...])))
            }
            if !a.flag("no-headers") { rows.append(columns.map(\.0)) }
            for o in selected {
                rows.append(try columns.map { column in
                    let path = column.1.hasPrefix("{") ? String(column.1.dropFirst().dropLast()) : column.1
                    let values = try JSONPath.evaluate(path, current: o.json, root: o.json)
                    return values.isEmpty ? "<none>" : values.map(\.plain).joined(separator: ",")
                })
            }
            c.out(Table.render(rows))
        } else if output == "name" {
            for o in selected { c.out("\(o.kindName)/\(o.name)\n") }
        } else if output == "" || output == "wide" {
            if selected.isEmpty && missing.isEmpty {
                c.err(allNamespaces || !namespaced ? "No resources found.\n" : "No resources found.\n")
            } else if !selected.isEmpty {
                var rows = [(allNamespaces ? ["NAMESPACE"] : []) + selected[0].header(wide: output == "wide")]
                for o in selected { rows.append((allNamespaces ? [o.namespace] : []) + o.row(wide: output == "wide")) }
                if a.flag("no-headers") { rows.removeFirst() }
                c.out(Table.render(rows))
            }
        } else {
            throw c.fail("error: unable to match a printer suitable for the output format \"\(output)\", allowed formats are: json,jsonpath,name,wide")
        }
        for n in missing { c.err("Error from server (NotFound): \(kind) \"\(n)\" not found\n") }
        return missing.isEmpty ? 0 : 1
    }
}
