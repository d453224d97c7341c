import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `oc create serviceaccount`, `oc sa get-token` and `oc adm policy
/// add-role-to-user|remove-role-from-user ROLE -z SA` (7.3.8.1), following origin release-3.11
/// (`pkg/oc/cli/serviceaccounts/gettoken.go`, `pkg/oc/cli/admin/policy/modify_roles.go`). Accounts
/// and bindings are objects of the one store (`OcStore`); get and delete are the generic ones.
enum OcServiceAccounts {
    /// The accounts every project has (origin's default service accounts controller).
    static let defaults = ["builder", "default", "deployer"]
    static let accountKinds: Set<String> = ["serviceaccount", "serviceaccounts", "sa"]
    static let specs = OcTool.specs + [.init("serviceaccount", "z"), .init("rolebinding-name")]

    /// The exit code when `c.args` is one of the commands above; nil for any other `oc` command.
    static func intercept(_ c: ToolContext) throws -> Int32? {
        guard case .success(let a) = Arguments.parse(c.args, specs) else { return nil }
        let words = splitKindName(a.positionals)
        switch (words.first, words.dropFirst().first) {
        case ("create", let kind?) where accountKinds.contains(kind):
            return try create(c, a, Array(words.dropFirst(2)))
        case ("sa", "get-token"), ("serviceaccounts", "get-token"):
            return try token(c, a, Array(words.dropFirst(2)))
        case ("adm", "policy"), ("policy", _):
            let rest = Array(words.dropFirst(words.first == "adm" ? 2 : 1))
            guard let verb = rest.first, ["add-role-to-user", "remove-role-from-user"].contains(verb) else { return nil }
            return try modifyRole(c, a, add: verb == "add-role-to-user", Array(rest.dropFirst()))
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
    static func ownSecrets(_ ns: String, _ name: String) -> [String] {
        let s = suffix(ns, name)
        return ["\(name)-token-\(s)", "\(name)-dockercfg-\(s)"]
    }

    /// A service account as the controllers leave it: its token and dockercfg secrets in `secrets`,
    /// the dockercfg one in `imagePullSecrets`.
    static func body(name: String, namespace ns: String) -> JSONValue {
        let own = ownSecrets(ns, name)
        return .object([
            "apiVersion": .string("v1"), "kind": .string("ServiceAccount"),
            "metadata": .object(["name": .string(name), "namespace": .string(ns)]),
            "secrets": .array(own.map { .object(["name": .string($0)]) }),
            "imagePullSecrets": .array([.object(["name": .string(own[1])])]),
        ])
    }

    /// The `name` of each entry of a list field (`secrets`, `imagePullSecrets`).
    static func names(_ body: JSONValue, _ key: String) -> [String] {
        guard case .array(let items)? = body[key] else { return [] }
        return items.compactMap { $0["name"]?.plain }
    }

    /// The body with a list field set to these names.
    static func setting(_ body: JSONValue, _ key: String, _ names: [String]) -> JSONValue {
        guard case .object(var o) = body else { return body }
        o[key] = .array(names.map { .object(["name": .string($0)]) })
        return .object(o)
    }

    /// Every service account of a namespace (the store's, the defaults included).
    static func accounts(_ v: ClusterView, _ ns: String) -> [JSONValue] { OcStore.bodies(v, "ServiceAccount", namespace: ns) }

    /// The account, or oc's NotFound failure.
    static func account(_ c: ToolContext, _ v: ClusterView, _ ns: String, _ name: String) throws -> JSONValue {
        guard let a = OcStore.body(v, "ServiceAccount", namespace: ns, name) else {
            throw c.fail("Error from server (NotFound): serviceaccounts \"\(name)\" not found")
        }
        return a
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
            guard OcStore.body(v, "ServiceAccount", namespace: ns, name) == nil else {
                throw c.fail("Error from server (AlreadyExists): serviceaccounts \"\(name)\" already exists")
            }
            OcStore.put(&v, body(name: name, namespace: ns))
            c.out("serviceaccount/\(name) created\n")
            return 0
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
        _ = try account(c, view, ns, name)
        func b64url(_ s: String) -> String {
            Data(s.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }
        let claims = "{\"iss\":\"kubernetes/serviceaccount\",\"kubernetes.io/serviceaccount/namespace\":\"\(ns)\",\"kubernetes.io/serviceaccount/secret.name\":\"\(ownSecrets(ns, name)[0])\",\"kubernetes.io/serviceaccount/service-account.name\":\"\(name)\",\"sub\":\"system:serviceaccount:\(ns):\(name)\"}"
        c.out(b64url("{\"alg\":\"RS256\",\"kid\":\"\"}") + "." + b64url(claims) + "." + b64url("sim-signature-" + suffix(ns, name)) + (isatty(STDOUT_FILENO) == 1 ? "\n" : ""))
        return 0
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
            let all = OcStore.bodies(v, "RoleBinding", namespace: ns)
            let forRole = all.filter { $0["roleRef"]?["name"]?.plain == role }
            if add {
                if let first = forRole.first {
                    OcStore.put(&v, RoleBindings.adding(first, serviceAccount: sa, namespace: ns))
                } else {
                    let taken = Set(all.map(OcExport.name))
                    var name = role, n = 0
                    while taken.contains(name) { name = "\(role)-\(n)"; n += 1 }
                    OcStore.put(&v, RoleBindings.adding(RoleBindings.body(name: name, namespace: ns, role: role), serviceAccount: sa, namespace: ns))
                }
                c.out("role \"\(role)\" added: \"\(sa)\"\n")
            } else {
                guard !forRole.isEmpty else { throw c.fail("error: unable to locate RoleBinding for /\(role)") }
                for binding in forRole { OcStore.put(&v, RoleBindings.removing(binding, serviceAccount: sa, namespace: ns)) }
                c.out("role \"\(role)\" removed: \"\(sa)\"\n")
            }
            return 0
        }
    }
}
