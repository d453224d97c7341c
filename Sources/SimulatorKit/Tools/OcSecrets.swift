import Foundation

/// `oc create secret docker-registry`, `oc secrets link|unlink` (7.3.5, 7.3.8.1), following
/// kubectl 1.11's `create secret docker-registry` and origin release-3.11's `pkg/oc/cli/secrets`
/// (link_secret_to_obj.go, unlink_secret_from_object.go, options.go). Secrets are objects of the
/// one store (`OcStore`); `oc get|delete secret` are the generic ones (`OcExport`).
enum OcSecrets {
    static let dockerConfigJSON = "kubernetes.io/dockerconfigjson"
    static let specs = OcTool.specs + [
        .init("docker-server"), .init("docker-username"), .init("docker-password"), .init("docker-email"), .init("for"),
    ]

    /// The exit code when `c.args` is one of the commands above; nil for any other `oc` command.
    static func intercept(_ c: ToolContext) throws -> Int32? {
        guard case .success(let a) = Arguments.parse(c.args, specs) else { return nil }
        let words = OcServiceAccounts.splitKindName(a.positionals)
        switch (words.first, words.dropFirst().first) {
        case ("create", "secret"):
            guard words.dropFirst(2).first == "docker-registry" else {
                throw c.fail("error: the simulator creates only docker-registry secrets")
            }
            return try create(c, a, names: Array(words.dropFirst(3)))
        case ("secrets", "link"), ("secrets", "add"):
            return try link(c, a, Array(words.dropFirst(2)))
        case ("secrets", "unlink"):
            return try unlink(c, a, Array(words.dropFirst(2)))
        default:
            return nil
        }
    }

    /// A secret as the API stores it: `data` values base64-encoded.
    static func body(name: String, namespace: String, type: String, data: [String: String]) -> JSONValue {
        .object([
            "apiVersion": .string("v1"), "kind": .string("Secret"), "type": .string(type),
            "metadata": .object(["name": .string(name), "namespace": .string(namespace)]),
            "data": .object(data.mapValues { .string(Data($0.utf8).base64EncodedString()) }),
        ])
    }

    /// The namespace of a command, which must exist.
    static func existingNamespace(_ c: ToolContext, _ a: Arguments, _ v: ClusterView) throws -> String {
        let ns = OcTool.namespace(c, a, v)
        guard OcGet.namespaces(v).contains(ns) else { throw c.fail("Error from server (NotFound): namespaces \"\(ns)\" not found") }
        return ns
    }

    static func create(_ c: ToolContext, _ a: Arguments, names: [String]) throws -> Int32 {
        let missing = ["docker-password", "docker-username"].filter { a[$0] == nil }
        guard missing.isEmpty else {
            throw c.fail("Error: required flag(s) \(missing.map { "\"\($0)\"" }.joined(separator: ", ")) not set")
        }
        guard names.count == 1, let name = names.first else {
            throw c.fail("error: exactly one NAME is required, got \(names.count)\nSee 'oc create secret docker-registry -h' for help and examples.")
        }
        guard OcProjects.validName(name) else {
            throw c.fail("The Secret \"\(name)\" is invalid: metadata.name: Invalid value: \"\(name)\": a DNS-1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character")
        }
        let server = a["docker-server"] ?? "https://index.docker.io/v1/"
        let user = a["docker-username"] ?? "", password = a["docker-password"] ?? ""
        var entry: [String: JSONValue] = [
            "username": .string(user), "password": .string(password),
            "auth": .string(Data("\(user):\(password)".utf8).base64EncodedString()),
        ]
        if let email = a["docker-email"], !email.isEmpty { entry["email"] = .string(email) }
        let config = JSONValue.object(["auths": .object([server: .object(entry)])]).rendered()
        return try c.update { v in
            try OcTool.requireAPI(c, v)
            let ns = try existingNamespace(c, a, v)
            guard !exists(v, ns, name) else {
                throw c.fail("Error from server (AlreadyExists): secrets \"\(name)\" already exists")
            }
            OcStore.put(&v, body(name: name, namespace: ns, type: dockerConfigJSON, data: [".dockerconfigjson": config]))
            c.out("secret/\(name) created\n")
            return 0
        }
    }

    /// Whether a secret of this name exists in the namespace: a stored one, or one of a service
    /// account's own (token, dockercfg).
    static func exists(_ v: ClusterView, _ ns: String, _ name: String) -> Bool {
        OcStore.body(v, "Secret", namespace: ns, name) != nil
            || OcServiceAccounts.accounts(v, ns).contains { OcServiceAccounts.ownSecrets(ns, OcExport.name($0)).contains(name) }
    }

    static func usage(_ c: ToolContext, _ verb: String, _ message: String) -> ToolExit {
        c.fail("error: \(message)\nSee 'oc secrets \(verb) -h' for help and examples.")
    }

    static func link(_ c: ToolContext, _ a: Arguments, _ args: [String]) throws -> Int32 {
        guard args.count >= 2 else { throw usage(c, "link", "must have service account name and at least one secret name") }
        var forMount = false, forPull = false
        for kind in (a["for"] ?? "mount").split(separator: ",") {
            switch kind.lowercased() {
            case "pull": forPull = true
            case "mount": forMount = true
            default: throw usage(c, "link", "unknown for: \(kind)")
            }
        }
        return try c.update { v in
            try OcTool.requireAPI(c, v)
            let ns = try existingNamespace(c, a, v)
            let account = try OcServiceAccounts.account(c, v, ns, args[0])
            var found: [String] = []
            var notFound = false
            for name in args.dropFirst() {
                if exists(v, ns, name) { found.append(name) } else { c.err("secret \"\(name)\" not found\n"); notFound = true }
            }
            guard !found.isEmpty else { throw c.fail("error: No valid secrets found") }
            var mount = OcServiceAccounts.names(account, "secrets"), pull = OcServiceAccounts.names(account, "imagePullSecrets")
            var updated = false
            for name in Set(found).sorted() {
                if forMount, !mount.contains(name) { mount.append(name); updated = true }
                if forPull, !pull.contains(name) { pull.append(name); updated = true }
            }
            if updated {
                OcStore.put(&v, OcServiceAccounts.setting(OcServiceAccounts.setting(account, "secrets", mount), "imagePullSecrets", pull))
                return 0
            }
            if notFound { throw c.fail("error: Some secrets could not be linked") }
            return 0
        }
    }

    static func unlink(_ c: ToolContext, _ a: Arguments, _ args: [String]) throws -> Int32 {
        guard args.count >= 2 else { throw usage(c, "unlink", "must have service account name and at least one secret name") }
        return try c.update { v in
            try OcTool.requireAPI(c, v)
            let ns = try existingNamespace(c, a, v)
            let account = try OcServiceAccounts.account(c, v, ns, args[0])
            var notFound = false
            for name in args.dropFirst() where !exists(v, ns, name) {
                c.err("secret \"\(name)\" not found\n"); notFound = true
            }
            let remove = Set(args.dropFirst())
            let mount = OcServiceAccounts.names(account, "secrets").filter { !remove.contains($0) }
            let pull = OcServiceAccounts.names(account, "imagePullSecrets").filter { !remove.contains($0) }
            let after = OcServiceAccounts.setting(OcServiceAccounts.setting(account, "secrets", mount), "imagePullSecrets", pull)
            guard after != account else { throw c.fail("error: No valid secrets found or secrets not linked to service account") }
            OcStore.put(&v, after)
            if notFound { throw c.fail("error: Unlinked deleted secrets from \(ns)/\(args[0]) service account") }
            return 0
        }
    }
}
