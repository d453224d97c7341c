import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `oc create|get|delete serviceaccount`, `oc sa get-token`, `oc adm policy
/// add-role-to-user|remove-role-from-user ROLE -z SA` and `oc get rolebinding` (7.3.8.1), following
/// origin release-3.11 (`pkg/oc/cli/serviceaccounts/gettoken.go`, `pkg/oc/cli/admin/policy/modify_roles.go`).
enum OcServiceAccounts {
    /// The accounts every project has (origin's default service accounts controller).
    static let defaults = ["builder", "default", "deployer"]
    static let accountKinds: Set<String> = ["serviceaccount", "serviceaccounts", "sa"]
    static let bindingKinds: Set<String> = ["rolebinding", "rolebindings"]
    static let specs = OcTool.specs + [.init("serviceaccount", "z"), .init("rolebinding-name")]

    /// The exit code when `c.args` is one of the commands above; nil for any other `oc` command.
    static func intercept(_ c: ToolContext) throws -> Int32? {
        guard case .success(let a) = Arguments.parse(c.args, specs) else { return nil }
        let words = splitKindName(a.positionals)
        switch (words.first, words.dropFirst().first) {
        case ("create", let kind?) where accountKinds.contains(kind):
            return try create(c, a, Array(words.dropFirst(2)))
        case ("get", let kind?) where accountKinds.contains(kind):
            let view = try c.view()
            try OcTool.requireAPI(c, view)
            let ns = OcTool.namespace(c, a, view)
            return try OcGet.emit(c, a, a["output"] ?? "", kind: "serviceaccounts", names: Array(words.dropFirst(2)),
                                  objects: accounts(view, ns).map(object), namespaced: true)
        case ("delete", let kind?) where accountKinds.contains(kind):
            return try delete(c, a, Array(words.dropFirst(2)))
        case ("sa", "get-token"), ("serviceaccounts", "get-token"):
            return try token(c, a, Array(words.dropFirst(2)))
        case ("adm", "policy"), ("policy", _):
            let rest = Array(words.dropFirst(words.first == "adm" ? 2 : 1))
            guard let verb = rest.first, ["add-role-to-user", "remove-role-from-user"].contains(verb) else { return nil }
            return try modifyRole(c, a, add: verb == "add-role-to-user", Array(rest.dropFirst()))
        case ("get", let kind?) where bindingKinds.contains(kind):
            let view = try c.view()
            try OcTool.requireAPI(c, view)
            let ns = OcTool.namespace(c, a, view)
            return try OcGet.emit(c, a, a["output"] ?? "", kind: "rolebindings.authorization.openshift.io",
                                  names: Array(words.dropFirst(2)), objects: bindings(view).filter { $0.namespace == ns }.map(object),
                                  namespaced: true)
        default:
            return nil
        }
    }

    /// `get KIND/NAME` -> `get KIND NAME`.
    static func splitKindName(_ words: [String]) -> [String] {
        guard words.count >= 2, ["get", "delete", "create"].contains(words[0]), words[1].contains("/") else { return words }
        let parts = words[1].split(separator: "/", maxSplits: 1).map(String.init)
        return [words[0]] + parts + words.dropFirst(2)
    }

    /// Five letters derived from the account, like the generated suffix of its own secrets.
    static func suffix(_ ns: String, _ name: String) -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        let x = hash("\(ns)/\(name)")
        return String((0..<5).map { i in alphabet[Int((x >> (UInt64(i) * 8)) % UInt64(alphabet.count))] })
    }

    /// FNV-1a of the text: stable across runs, unlike `Hasher`.
    static func hash(_ text: String) -> UInt64 {
        var x: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 { x = (x ^ UInt64(b)) &* 0x100_0000_01b3 }
        return x
    }

    /// The account's own token and dockercfg secrets (made by the token controllers).
    static func ownSecrets(_ a: SimServiceAccount) -> [String] {
        let s = suffix(a.namespace, a.name)
        return ["\(a.name)-token-\(s)", "\(a.name)-dockercfg-\(s)"]
    }

    /// Every service account of a namespace: the default ones of an existing namespace, and
    /// those created or changed.
    static func accounts(_ v: ClusterView, _ ns: String) -> [SimServiceAccount] {
        let stored = (v.state.serviceAccounts ?? []).filter { $0.namespace == ns }
        let implicit = OcGet.namespaces(v).contains(ns)
            ? defaults.filter { d in !stored.contains { $0.name == d } }
                .map { SimServiceAccount(name: $0, namespace: ns, created: false, mountSecrets: [], pullSecrets: []) }
            : []
        return (stored + implicit).sorted { $0.name < $1.name }
    }

    /// The account, or oc's NotFound failure.
    static func account(_ c: ToolContext, _ v: ClusterView, _ ns: String, _ name: String) throws -> SimServiceAccount {
        guard let a = accounts(v, ns).first(where: { $0.name == name }) else {
            throw c.fail("Error from server (NotFound): serviceaccounts \"\(name)\" not found")
        }
        return a
    }

    /// Saves a changed account; a default account back to its fresh state is not stored.
    static func store(_ v: inout ClusterView, _ a: SimServiceAccount) {
        var all = (v.state.serviceAccounts ?? []).filter { !($0.name == a.name && $0.namespace == a.namespace) }
        if a.created || !a.mountSecrets.isEmpty || !a.pullSecrets.isEmpty { all.append(a) }
        v.state.serviceAccounts = all.isEmpty ? nil : all
    }

    static func object(_ a: SimServiceAccount) -> OcObject {
        let own = ownSecrets(a)
        let mount = own + a.mountSecrets, pull = [own[1]] + a.pullSecrets
        let json = JSONValue.object([
            "apiVersion": .string("v1"), "kind": .string("ServiceAccount"),
            "metadata": .object(["name": .string(a.name), "namespace": .string(a.namespace)]),
            "secrets": .array(mount.map { .object(["name": .string($0)]) }),
            "imagePullSecrets": .array(pull.map { .object(["name": .string($0)]) }),
        ])
        return OcObject(kindName: "serviceaccount", name: a.name, namespace: a.namespace, headers: ["NAME", "SECRETS", "AGE"],
                        cells: [a.name, String(mount.count), "3d"], json: json)
    }

    static func create(_ c: ToolContext, _ a: Arguments, _ names: [String]) throws -> Int32 {
        guard names.count == 1, let name = names.first else {
            throw c.fail("error: exactly one NAME is required, got \(names.count)\nSee 'oc create serviceaccount -h' for help and examples.")
        }
        guard OcProjects.validName(name) else {
            throw c.fail("The ServiceAccount \"\(name)\" is invalid: metadata.name: Invalid value: \"\(name)\": a DNS-1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character")
        }
        return try c.update { v in
            try OcTool.requireAPI(c, v)
            let ns = try OcSecrets.existingNamespace(c, a, v)
            guard !accounts(v, ns).contains(where: { $0.name == name }) else {
                throw c.fail("Error from server (AlreadyExists): serviceaccounts \"\(name)\" already exists")
            }
            store(&v, SimServiceAccount(name: name, namespace: ns, created: true, mountSecrets: [], pullSecrets: []))
            c.out("serviceaccount/\(name) created\n")
            return 0
        }
    }

    static func delete(_ c: ToolContext, _ a: Arguments, _ names: [String]) throws -> Int32 {
        guard !names.isEmpty else { throw c.fail("error: resource(s) were provided, but no name, label selector, or --all flag specified") }
        return try c.update { v in
            try OcTool.requireAPI(c, v)
            let ns = OcTool.namespace(c, a, v)
            var code: Int32 = 0
            for name in names {
                guard let account = accounts(v, ns).first(where: { $0.name == name }) else {
                    c.err("Error from server (NotFound): serviceaccounts \"\(name)\" not found\n"); code = 1; continue
                }
                guard account.created else {
                    // The controller would re-create it at once with new secrets: not simulated.
                    throw c.fail("error: the simulator deletes only service accounts made with 'oc create serviceaccount' (\"\(name)\" is a default one)")
                }
                v.state.serviceAccounts?.removeAll { $0.name == name && $0.namespace == ns }
                if v.state.serviceAccounts?.isEmpty == true { v.state.serviceAccounts = nil }
                c.out("serviceaccount \"\(name)\" deleted\n")
            }
            return code
        }
    }

    /// A service account token: a JWT whose claims name the account (the signature is made up).
    ///
    /// origin `pkg/oc/cli/serviceaccounts/gettoken.go`: `Complete` refuses anything but one name
    /// with a usage error (`%q` of the arguments); `Run` prints the token of the account's first
    /// token secret with a newline only when stdout is a terminal, so `$(oc sa get-token SA)` and a
    /// file written from it hold the bare token.
    static func token(_ c: ToolContext, _ a: Arguments, _ names: [String]) throws -> Int32 {
        guard names.count == 1, let name = names.first else {
            let quoted = "[" + names.map { "\"\($0)\"" }.joined(separator: " ") + "]"
            throw c.fail("error: expected one service account name as an argument, got \(quoted)\nSee 'oc serviceaccounts get-token -h' for help and examples.")
        }
        let view = try c.view()
        try OcTool.requireAPI(c, view)
        let ns = OcTool.namespace(c, a, view)
        let account = try account(c, view, ns, name)
        func b64url(_ s: String) -> String {
            Data(s.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }
        let claims = "{\"iss\":\"kubernetes/serviceaccount\",\"kubernetes.io/serviceaccount/namespace\":\"\(ns)\",\"kubernetes.io/serviceaccount/secret.name\":\"\(ownSecrets(account)[0])\",\"kubernetes.io/serviceaccount/service-account.name\":\"\(name)\",\"sub\":\"system:serviceaccount:\(ns):\(name)\"}"
        c.out(b64url("{\"alg\":\"RS256\",\"kid\":\"\"}") + "." + b64url(claims) + "." + b64url("sim-signature-" + suffix(ns, name)) + (isatty(STDOUT_FILENO) == 1 ? "\n" : ""))
        return 0
    }

    static func bindings(_ v: ClusterView) -> [SimRoleBinding] { v.state.roleBindings ?? [] }

    static func object(_ b: SimRoleBinding) -> OcObject {
        let json = JSONValue.object([
            "apiVersion": .string("authorization.openshift.io/v1"), "kind": .string("RoleBinding"),
            "metadata": .object(["name": .string(b.name), "namespace": .string(b.namespace)]),
            "roleRef": .object(["name": .string(b.role)]),
            "subjects": .array(b.serviceAccounts.map { .object(["kind": .string("ServiceAccount"), "name": .string($0), "namespace": .string(b.namespace)]) }),
            "userNames": .array(b.serviceAccounts.map { .string("system:serviceaccount:\(b.namespace):\($0)") }),
        ])
        return OcObject(kindName: "rolebinding.authorization.openshift.io", name: b.name, namespace: b.namespace,
                        headers: ["NAME", "ROLE", "USERS", "GROUPS", "SERVICE ACCOUNTS", "SUBJECTS"],
                        cells: [b.name, "/" + b.role, "", "", b.serviceAccounts.joined(separator: ", "), ""], json: json)
    }

    /// `add-role-to-user ROLE -z SA`: the first binding of the role gets the account, or a new
    /// binding named after the role; `remove-role-from-user` takes it out of every binding of the
    /// role and keeps the bindings, even empty ones (3.11 deletes none).
    static func modifyRole(_ c: ToolContext, _ a: Arguments, add: Bool, _ args: [String]) throws -> Int32 {
        let verb = add ? "add-role-to-user" : "remove-role-from-user"
        guard let role = args.first, let sa = a["serviceaccount"], args.count == 1 else {
            throw c.fail("error: the simulator's \(verb) takes ROLE -z SERVICEACCOUNT\nSee 'oc adm policy \(verb) -h' for help and examples.")
        }
        return try c.update { v in
            try OcTool.requireAPI(c, v)
            let ns = try OcSecrets.existingNamespace(c, a, v)
            var all = bindings(v)
            let forRole = all.indices.filter { all[$0].namespace == ns && all[$0].role == role }
            if add {
                if let i = forRole.first {
                    if !all[i].serviceAccounts.contains(sa) { all[i].serviceAccounts.append(sa) }
                } else {
                    let taken = Set(all.filter { $0.namespace == ns }.map(\.name))
                    var name = role, n = 0
                    while taken.contains(name) { name = "\(role)-\(n)"; n += 1 }
                    all.append(SimRoleBinding(name: name, namespace: ns, role: role, serviceAccounts: [sa]))
                }
                v.state.roleBindings = all
                c.out("role \"\(role)\" added: \"\(sa)\"\n")
            } else {
                guard !forRole.isEmpty else { throw c.fail("error: unable to locate RoleBinding for /\(role)") }
                for i in forRole { all[i].serviceAccounts.removeAll { $0 == sa } }
                v.state.roleBindings = all
                c.out("role \"\(role)\" removed: \"\(sa)\"\n")
            }
            return 0
        }
    }
}
