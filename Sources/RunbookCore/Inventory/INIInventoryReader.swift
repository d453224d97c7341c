import RunbookYAML

/// Reads an Ansible INI inventory: `[group]` host lines with `key=value` vars, `[group:children]`,
/// `[group:vars]`, comments (`#`, `;`), hosts in several groups and ranges (`node[1:3].example.com`).
struct INIInventoryReader {
    let file: String

    /// A variable with where it was written, so a bad value is reported there.
    private struct Var { var value: String; var location: SourceLocation }
    private enum Section { case hosts(String), children(String), vars(String) }

    func read(_ text: String) throws(DiagnosticError) -> Inventory {
        var ds: [Diagnostic] = []
        var hostOrder: [String] = []
        var hostVars: [String: [String: Var]] = [:]
        var groupHosts: [String: [String]] = ["ungrouped": []]
        var groupChildren: [String: [(String, SourceLocation)]] = [:]
        var groupVars: [String: [String: Var]] = [:]
        var groupOrder: [String] = []
        var section = Section.hosts("ungrouped")
        func declare(_ g: String) { if !groupOrder.contains(g) { groupOrder.append(g) }; if groupHosts[g] == nil { groupHosts[g] = [] } }

        for (n, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(rawLine).trimmingTrailingCR
            let indent = line.prefix { $0 == " " || $0 == "\t" }.count
            let body = line.dropFirst(indent)
            let at = SourceLocation(file: file, line: n + 1, column: indent + 1)
            if body.isEmpty || body.hasPrefix("#") || body.hasPrefix(";") { continue }
            if body.hasPrefix("[") {
                guard let close = body.firstIndex(of: "]") else {
                    ds.append(.error("section header is missing ']'", at: at, hint: "write [group], [group:children] or [group:vars]"))
                    continue
                }
                let name = String(body[body.index(after: body.startIndex)..<close])
                let parts = name.split(separator: ":", maxSplits: 1).map(String.init)
                let group = parts.first ?? ""
                guard !group.isEmpty else { ds.append(.error("empty group name", at: at)); continue }
                declare(group)
                switch parts.count == 2 ? parts[1] : "" {
                case "": section = .hosts(group)
                case "children": section = .children(group)
                case "vars": section = .vars(group)
                default:
                    ds.append(.error("unknown section kind ':\(parts[1])'", at: at,
                                     hint: NearestName.hint(parts[1], among: ["children", "vars"]) ?? "write [group], [group:children] or [group:vars]"))
                }
                continue
            }
            let words = INIWords.split(String(body), line: n + 1, column: indent + 1, file: file)
            guard let first = words.first else { continue }
            switch section {
            case .children(let group):
                groupChildren[group, default: []].append((first.text, first.location))
            case .vars(let group):
                guard let (k, v) = keyValue(first.text) else {
                    ds.append(.error("expected key=value in [\(group):vars], found '\(first.text)'", at: first.location))
                    continue
                }
                groupVars[group, default: [:]][k] = Var(value: v, location: first.location)
            case .hosts(let group):
                // `host:port` is Ansible's short form for ansible_port.
                var pattern = first.text
                var inlinePort: String? = nil
                if let colon = pattern.lastIndex(of: ":"), !pattern[pattern.index(after: colon)...].isEmpty,
                   pattern[pattern.index(after: colon)...].allSatisfy(\.isNumber) {
                    inlinePort = String(pattern[pattern.index(after: colon)...])
                    pattern = String(pattern[..<colon])
                }
                let names: [String]
                do throws(Diagnostic) { names = try HostRange.expand(pattern, at: first.location) } catch { ds.append(error); continue }
                for name in names {
                    if hostVars[name] == nil { hostOrder.append(name); hostVars[name] = [:] }
                    if groupHosts[group]?.contains(name) != true { groupHosts[group, default: []].append(name) }
                    if let inlinePort { hostVars[name]?["ansible_port"] = Var(value: inlinePort, location: first.location) }
                    for word in words.dropFirst() {
                        guard let (k, v) = keyValue(word.text) else {
                            ds.append(.error("expected key=value after the host name, found '\(word.text)'", at: word.location))
                            continue
                        }
                        hostVars[name]?[k] = Var(value: v, location: word.location)
                    }
                }
            }
        }
        for (group, children) in groupChildren {
            for (child, location) in children where groupHosts[child] == nil {
                ds.append(.error("group '\(group)' lists unknown child group '\(child)'", at: location,
                                 hint: NearestName.hint(child, among: groupOrder)))
            }
        }
        // Flatten children; vars of a group apply to every member, children's vars win over parents', host vars over all.
        var members: [String: [String]] = [:]
        var depth: [String: Int] = [:]
        func flatten(_ g: String, _ visiting: Set<String>) -> [String] {
            var out = groupHosts[g] ?? []
            for (child, _) in groupChildren[g] ?? [] where !visiting.contains(child) {
                depth[child] = max(depth[child] ?? 0, (depth[g] ?? 0) + 1)
                for h in flatten(child, visiting.union([child])) where !out.contains(h) { out.append(h) }
            }
            return out
        }
        for g in groupOrder { members[g] = flatten(g, [g]) }
        members["ungrouped"] = (groupHosts["ungrouped"] ?? [])
        members["all"] = hostOrder

        var hosts: [InventoryHost] = []
        for name in hostOrder {
            var merged: [String: Var] = groupVars["all"] ?? [:]
            let groupsOfHost = groupOrder.filter { $0 != "all" && members[$0]?.contains(name) == true }
                .sorted { (depth[$0] ?? 0) < (depth[$1] ?? 0) }
            for g in groupsOfHost { merged.merge(groupVars[g] ?? [:]) { _, new in new } }
            merged.merge(hostVars[name] ?? [:]) { _, new in new }
            hosts.append(makeHost(name, merged.mapValues { ($0.value, $0.location) }, &ds))
        }
        guard ds.isEmpty else { throw DiagnosticError(ds) }
        var groups: [String: [String]] = [:]
        for (g, m) in members where g != "ungrouped" || !m.isEmpty { groups[g] = m }
        return Inventory(hosts: hosts, groups: groups, file: file)
    }

    private func keyValue(_ word: String) -> (String, String)? {
        guard let eq = word.firstIndex(of: "="), eq != word.startIndex else { return nil }
        return (String(word[..<eq]), INIWords.unquote(String(word[word.index(after: eq)...])))
    }

    private func makeHost(_ name: String, _ vars: [String: (String, SourceLocation)], _ ds: inout [Diagnostic]) -> InventoryHost {
        var host = InventoryHost(name: name)
        for (key, (value, at)) in vars {
            switch key {
            case "ansible_host", "ansible_ssh_host": host.address = value
            case "ansible_user", "ansible_ssh_user": host.user = value
            case "ansible_port", "ansible_ssh_port":
                if let p = Int(value), (1...65535).contains(p) { host.port = p }
                else { ds.append(.error("\(key) must be a port number (1-65535), found '\(value)'", at: at)) }
            case "ansible_ssh_private_key_file", "ansible_private_key_file": host.identityFile = value
            case "ansible_become":
                switch value.lowercased() {
                case "true", "yes", "1", "on": host.become = true
                case "false", "no", "0", "off": host.become = false
                default: ds.append(.error("\(key) must be true or false, found '\(value)'", at: at, hint: "write true or false"))
                }
            case "ansible_connection":
                switch value {
                case "local": host.transport = .local
                case "ssh", "smart", "paramiko": host.transport = .ssh
                case "sim": host.transport = .sim
                default: ds.append(.error("unsupported ansible_connection '\(value)'", at: at, hint: "use local, ssh or sim"))
                }
            default: host.vars[key] = .string(value)
            }
        }
        return host
    }
}

private extension String {
    var trimmingTrailingCR: String { hasSuffix("\r") ? String(dropLast()) : self }
}
