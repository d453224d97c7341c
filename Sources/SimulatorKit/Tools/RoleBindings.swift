import Foundation

/// Role bindings (`authorization.openshift.io/v1`) as the store keeps them: `roleRef`, `subjects`,
/// and the `userNames`/`groupNames` origin 3.11's v1 form derives from the subjects (a service
/// account is the user `system:serviceaccount:NS:NAME`).
enum RoleBindings {
    static func body(name: String, namespace ns: String, role: String, subjects: [JSONValue] = []) -> JSONValue {
        with(.object([
            "apiVersion": .string("authorization.openshift.io/v1"), "kind": .string("RoleBinding"),
            "metadata": .object(["name": .string(name), "namespace": .string(ns)]),
            "roleRef": .object(["name": .string(role)]),
        ]), subjects: subjects)
    }

    static func subjects(_ binding: JSONValue) -> [JSONValue] {
        if case .array(let list)? = binding["subjects"] { return list }
        return []
    }

    static func serviceAccount(_ name: String, _ ns: String) -> JSONValue {
        .object(["kind": .string("ServiceAccount"), "name": .string(name), "namespace": .string(ns)])
    }

    /// The binding with the account among its subjects (once).
    static func adding(_ binding: JSONValue, serviceAccount sa: String, namespace ns: String) -> JSONValue {
        let list = subjects(binding)
        let isIt = { (s: JSONValue) in s["kind"]?.plain == "ServiceAccount" && s["name"]?.plain == sa }
        return list.contains(where: isIt) ? binding : with(binding, subjects: list + [serviceAccount(sa, ns)])
    }

    /// The binding without the account; an empty binding is kept (3.11 deletes none).
    static func removing(_ binding: JSONValue, serviceAccount sa: String, namespace ns: String) -> JSONValue {
        with(binding, subjects: subjects(binding).filter { !($0["kind"]?.plain == "ServiceAccount" && $0["name"]?.plain == sa) })
    }

    /// The binding with these subjects and the user and group names that follow from them.
    static func with(_ binding: JSONValue, subjects: [JSONValue]) -> JSONValue {
        guard case .object(var o) = binding else { return binding }
        var users: [JSONValue] = [], groups: [JSONValue] = []
        for s in subjects {
            let name = s["name"]?.plain ?? ""
            switch s["kind"]?.plain ?? "" {
            case "ServiceAccount": users.append(.string("system:serviceaccount:\(s["namespace"]?.plain ?? ""):\(name)"))
            case "User", "SystemUser": users.append(.string(name))
            default: groups.append(.string(name))
            }
        }
        o["subjects"] = .array(subjects)
        o["userNames"] = users.isEmpty ? .null : .array(users)
        o["groupNames"] = groups.isEmpty ? .null : .array(groups)
        return .object(o)
    }

    /// The role bindings a new project gets (origin 3.11: the project request template's admin
    /// binding for the requester, the default role bindings controller's three for its accounts).
    static func projectDefaults(_ ns: String) -> [JSONValue] {
        [
            body(name: "admin", namespace: ns, role: "admin", subjects: [.object(["kind": .string("User"), "name": .string("system:admin")])]),
            body(name: "system:deployers", namespace: ns, role: "system:deployer", subjects: [serviceAccount("deployer", ns)]),
            body(name: "system:image-builders", namespace: ns, role: "system:image-builder", subjects: [serviceAccount("builder", ns)]),
            body(name: "system:image-pullers", namespace: ns, role: "system:image-puller",
                 subjects: [.object(["kind": .string("SystemGroup"), "name": .string("system:serviceaccounts:\(ns)")])]),
        ]
    }

    /// The `oc get rolebindings` row: NAME, ROLE, USERS, GROUPS, SERVICE ACCOUNTS, SUBJECTS.
    static func row(_ b: JSONValue) -> (headers: [String], cells: [String]) {
        let list = subjects(b)
        func named(_ kinds: Set<String>) -> String {
            list.filter { kinds.contains($0["kind"]?.plain ?? "") }.compactMap { $0["name"]?.plain }.joined(separator: ", ")
        }
        return (["NAME", "ROLE", "USERS", "GROUPS", "SERVICE ACCOUNTS", "SUBJECTS"],
                [OcExport.name(b), "/" + (b["roleRef"]?["name"]?.plain ?? ""), named(["User", "SystemUser"]),
                 named(["Group", "SystemGroup"]), named(["ServiceAccount"]), ""])
    }
}
