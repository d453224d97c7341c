import Foundation

/// The cluster's one store of API objects (`ClusterState.objects`): every `oc` command that makes,
/// changes, deletes or reads a stored kind (secrets, service accounts, role bindings, routes, and
/// whatever `oc create -f` made) goes through here, in whichever namespace, so no command sees
/// another model than the rest. The API server keeps objects per namespace, kind and name.
enum OcStore {
    /// The stored objects (the installed ones until something changes them).
    static func stored(_ v: ClusterView) -> [SimObject] { v.state.objects ?? InstalledObjects.all }

    /// The bodies of `kind` in `ns`, in the order they were made; service accounts include the
    /// defaults the service account controller keeps in every existing namespace.
    static func bodies(_ v: ClusterView, _ kind: String, namespace ns: String) -> [JSONValue] {
        let own = stored(v).filter { $0.kind == kind && $0.namespace == ns }
        var list = own.compactMap(body)
        if kind == "ServiceAccount", OcGet.namespaces(v).contains(ns) {
            let implicit = OcServiceAccounts.defaults.filter { d in !own.contains { $0.name == d } }
            list = (list + implicit.map { OcServiceAccounts.body(name: $0, namespace: ns) })
                .sorted { ($0["metadata"]?["name"]?.plain ?? "") < ($1["metadata"]?["name"]?.plain ?? "") }
        }
        return list
    }

    /// The body of one object, or nil.
    static func body(_ v: ClusterView, _ kind: String, namespace ns: String, _ name: String) -> JSONValue? {
        bodies(v, kind, namespace: ns).first { $0["metadata"]?["name"]?.plain == name }
    }

    static func body(_ o: SimObject) -> JSONValue? { try? OcExport.parse(o.yaml, file: "\(o.kind)/\(o.name)").first }

    /// The stored form of a body: namespace, kind and name from it, the body as YAML.
    static func object(_ body: JSONValue) -> SimObject {
        SimObject(namespace: body["metadata"]?["namespace"]?.plain ?? "", kind: body["kind"]?.plain ?? "",
                  name: body["metadata"]?["name"]?.plain ?? "", yaml: OcExport.yaml(body))
    }

    /// Stores a body (`metadata.namespace` set): a new object goes last, a changed one keeps its
    /// place. A default service account back to its fresh state is dropped (the controller's own).
    static func put(_ v: inout ClusterView, _ body: JSONValue) {
        let o = object(body)
        var all = stored(v)
        let fresh = o.kind == "ServiceAccount" && OcServiceAccounts.defaults.contains(o.name)
            && body == OcServiceAccounts.body(name: o.name, namespace: o.namespace)
        if let i = all.firstIndex(where: { same($0, o) }) {
            if fresh { all.remove(at: i) } else { all[i] = o }
        } else if !fresh {
            all.append(o)
        }
        save(&v, all)
    }

    /// Removes one object; false when it is not stored.
    @discardableResult
    static func remove(_ v: inout ClusterView, _ kind: String, namespace ns: String, _ name: String) -> Bool {
        var all = stored(v)
        guard let i = all.firstIndex(where: { $0.kind == kind && $0.namespace == ns && $0.name == name }) else { return false }
        all.remove(at: i)
        save(&v, all)
        return true
    }

    /// Removes every object of a namespace (its deletion: the namespace controller empties it).
    static func removeNamespace(_ v: inout ClusterView, _ ns: String) {
        save(&v, stored(v).filter { $0.namespace != ns })
    }

    static func same(_ a: SimObject, _ b: SimObject) -> Bool { a.kind == b.kind && a.namespace == b.namespace && a.name == b.name }

    /// The installed set again (a rollback re-created it, in whatever order) is kept as nil, so a
    /// state that went back is byte-identical to the initial one.
    static func save(_ v: inout ClusterView, _ all: [SimObject]) {
        v.state.objects = all.count == InstalledObjects.all.count && Set(all) == Set(InstalledObjects.all) ? nil : all
    }
}
