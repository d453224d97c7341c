import Foundation
import RunbookYAML

/// `oc import-image NAME[:TAG] --from=IMAGE --confirm [-n NS]` and `oc get|delete imagestreamtag
/// NAME:TAG [-n NS]` (7.3.7): an import is refused when a serving master's API read an
/// `imagePolicyConfig.allowedRegistriesForImport` list at its last restart and the image's
/// registry matches none of its domain names. The image itself is not fetched.
enum OcImageImport {
    static let tagKinds: Set<String> = ["imagestreamtag", "imagestreamtags", "istag"]

    /// The exit code when `c.args` is one of the commands above; nil for any other `oc` command.
    static func intercept(_ c: ToolContext) throws -> Int32? {
        var namespace: String?
        var from: String?
        var confirm = false
        var words: [String] = []
        var i = 0
        while i < c.args.count {
            let arg = c.args[i]
            if arg == "-n" || arg == "--namespace", i + 1 < c.args.count { namespace = c.args[i + 1]; i += 2; continue }
            if arg.hasPrefix("--namespace=") { namespace = String(arg.dropFirst("--namespace=".count)) } else if arg.hasPrefix("--from=") {
                from = String(arg.dropFirst("--from=".count))
            } else if arg == "--confirm" { confirm = true } else { words.append(arg) }
            i += 1
        }
        guard let command = words.first else { return nil }
        switch command {
        case "import-image":
            return try importImage(c, words.dropFirst().first, from: from, confirm: confirm, namespace: namespace)
        case "get", "delete":
            guard words.count >= 2, tagKinds.contains(words[1].lowercased()) else { return nil }
            return try tagCommand(c, delete: command == "delete", name: words.dropFirst(2).first, namespace: namespace)
        default:
            return nil
        }
    }

    static func key(_ namespace: String, _ name: String) -> String {
        "\(namespace)/\(name.contains(":") ? name : name + ":latest")"
    }

    static func importImage(_ c: ToolContext, _ name: String?, from: String?, confirm: Bool, namespace: String?) throws -> Int32 {
        guard let name, !name.isEmpty else {
            throw c.fail("error: you must specify the name of an image stream\nSee 'oc import-image -h' for help and examples.")
        }
        return try c.update { v in
            try OcTool.requireAPI(c, v)
            let ns = namespace ?? v.state.host(c.host)?.project ?? "default"
            let k = key(ns, name)
            let stream = String(name.split(separator: ":").first ?? "")
            let exists = (v.state.importedTags ?? [:]).keys.contains { $0.hasPrefix("\(ns)/\(stream):") }
            guard exists || confirm else {
                throw c.fail("error: no image stream named \"\(stream)\" exists, pass --confirm to create and import")
            }
            guard let from, !from.isEmpty else {
                throw c.fail("error: --from is required when creating a new image stream tag") // stricter than oc (it imports NAME itself)
            }
            let registry = registryHost(from)
            for master in v.servingMasters {
                guard let allowed = v.state.host(master)?.allowedRegistriesForImport else { continue }
                if !allowed.contains(where: { matches(registry, $0) }) {
                    let list = allowed.map { "\"\($0.contains(":") ? $0 : $0 + ":443")\"" }.joined(separator: ", ")
                    throw c.fail("The ImageStream \"\(stream)\" is invalid: spec.tags[\(tag(name))].from.name: Forbidden: registry \"\(registry)\" not allowed by whitelist: \(list)")
                }
            }
            var tags = v.state.importedTags ?? [:]
            tags[k] = from
            v.state.importedTags = tags
            c.out("imagestream.image.openshift.io/\(stream) imported\n\nName:\t\t\t\(stream)\nNamespace:\t\t\(ns)\n\n\(tag(name))\n  tagged from \(from)\n")
            return 0
        }
    }

    static func tag(_ name: String) -> String {
        name.contains(":") ? String(name.split(separator: ":").last ?? "latest") : "latest"
    }

    static func tagCommand(_ c: ToolContext, delete: Bool, name: String?, namespace: String?) throws -> Int32 {
        guard let name, name.contains(":") else {
            throw c.fail("error: imagestreamtags must be retrieved with <name>:<tag>")
        }
        func find(_ v: ClusterView) throws -> (key: String, from: String) {
            try OcTool.requireAPI(c, v)
            let k = key(namespace ?? v.state.host(c.host)?.project ?? "default", name)
            guard let from = v.state.importedTags?[k] else {
                throw c.fail("Error from server (NotFound): imagestreamtags.image.openshift.io \"\(name)\" not found")
            }
            return (k, from)
        }
        guard delete else {
            let found = try find(try c.view())
            c.out("NAME\tDOCKER REF\tUPDATED\tIMAGENAME\n\(name)\t\(found.from)\tAbout a minute ago\tsha256:\(String(repeating: "0", count: 64))\n")
            return 0
        }
        return try c.update { v in
            let found = try find(v)
            v.state.importedTags?[found.key] = nil
            c.out("imagestreamtag.image.openshift.io \"\(name)\" deleted\n")
            return 0
        }
    }

    /// The registry of an image reference: its first component when that has a `.` or `:` or is
    /// `localhost`, else docker.io (docker's default).
    static func registryHost(_ image: String) -> String {
        let parts = image.split(separator: "/", maxSplits: 1)
        guard parts.count == 2, let first = parts.first, first.contains(".") || first.contains(":") || first == "localhost" else {
            return "docker.io"
        }
        return String(first)
    }

    /// A domain name of the list matches the registry: host and port compared apart, `*` standing
    /// for any characters; a missing port is the secure default 443 on both sides (origin
    /// `whitelist/whitelister.go` `WhitelistRegistry`, `AdmitDockerImageReference`; `insecure`
    /// entries, whose default is 80, are not modelled).
    static func matches(_ registry: String, _ domain: String) -> Bool {
        func split(_ s: String) -> (host: String, port: String) {
            let parts = s.split(separator: ":", maxSplits: 1).map(String.init)
            return (parts.first ?? "", parts.count == 2 ? parts[1] : "443")
        }
        func glob(_ value: String, _ pattern: String) -> Bool {
            let regex = "^" + NSRegularExpression.escapedPattern(for: pattern).replacingOccurrences(of: "\\*", with: ".*") + "$"
            return value.range(of: regex, options: [.regularExpression, .caseInsensitive]) != nil
        }
        let (r, d) = (split(registry), split(domain))
        return glob(r.host, d.host) && glob(r.port, d.port)
    }

    /// `imagePolicyConfig.allowedRegistriesForImport[].domainName` of the host's master-config.yaml
    /// (nil when the file has no such list or cannot be read).
    static func allowedRegistries(_ tree: HostTree) -> [String]? {
        guard let text = tree.read("/etc/origin/master/master-config.yaml"),
              let root = try? YAMLParser().parse(Array(text.utf8), file: "/etc/origin/master/master-config.yaml"),
              let items = root["imagePolicyConfig"]?["allowedRegistriesForImport"]?.items else { return nil }
        return items.compactMap { $0["domainName"]?.text }
    }
}
