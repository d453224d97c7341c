import RunbookYAML

/// Reads Ansible's YAML inventory format as ansible-core's `yaml` plugin does:
///
/// ```yaml
/// all:
///   vars: {ntp: 10.0.0.1}
///   hosts: {lb.example.com: {ansible_port: 2222}}
///   children:
///     masters:
///       hosts: {master[1:3].example.com: }
/// ```
///
/// Top-level keys are groups; a group holds `vars`, `hosts` (host patterns, with ports and
/// ranges, to their variables) and `children` (groups, recursively). Values are typed as YAML 1.1
/// (`YAML11Value`). Where Ansible warns and skips (a key other than vars/hosts/children, a group
/// that is not a mapping), `runbook` refuses with a positioned error: a skipped group would
/// silently change which hosts a step runs on.
struct AnsibleYAMLInventoryReader {
    let file: String
    private static let groupKeys = ["vars", "children", "hosts"]

    func read(_ root: Node) throws(DiagnosticError) -> Inventory {
        guard let pairs = root.pairs else {
            throw DiagnosticError(.error("an Ansible YAML inventory must be a mapping of groups, found \(root.kindName)", at: root.location))
        }
        var ds: [Diagnostic] = []
        var builder = InventoryBuilder()
        for pair in pairs {
            if pair.key.text == "plugin" {
                ds.append(.error("this is an inventory plugin configuration, not an inventory", at: pair.key.location,
                                 hint: "runbook reads INI and YAML inventories; export yours with ansible-inventory --list --yaml"))
                continue
            }
            readGroup(pair.key, pair.value, into: &builder, &ds)
        }
        guard ds.isEmpty else { throw DiagnosticError(ds) }
        return try builder.build(file: file)
    }

    @discardableResult
    private func readGroup(_ nameNode: Node, _ node: Node, into builder: inout InventoryBuilder, _ ds: inout [Diagnostic]) -> String? {
        guard let name = nameNode.text, nameNode.isScalar, !name.isEmpty else {
            ds.append(.error("a group name must be a non-empty string, found \(nameNode.kindName)", at: nameNode.location))
            return nil
        }
        builder.addGroup(name)
        if node.isNull { return name }
        guard let sections = node.pairs else {
            ds.append(.error("group '\(name)' must be a mapping with vars, hosts or children, found \(node.kindName)", at: node.location))
            return name
        }
        for section in sections {
            let key = section.key.text ?? ""
            guard Self.groupKeys.contains(key) else {
                ds.append(.error("unknown key '\(key)' in group '\(name)'", at: section.key.location,
                                 hint: NearestName.hint(key, among: Self.groupKeys) ?? "a group holds vars, hosts and children"))
                continue
            }
            var entries: [Node.Pair] = []
            if let p = section.value.pairs {
                entries = Array(p)
            } else if section.value.isScalar, !section.value.isNull {
                entries = [Node.Pair(key: section.value, value: Node(scalar: "", at: section.value.location))]
            } else if !section.value.isNull {
                ds.append(.error("'\(key)' of group '\(name)' must be a mapping, found \(section.value.kindName)", at: section.value.location))
                continue
            }
            for entry in entries {
                switch key {
                case "vars":
                    do throws(Diagnostic) {
                        try builder.setGroupVar(name, YAML11Value.key(entry.key), YAML11Value.value(of: entry.value), at: entry.key.location)
                    } catch { ds.append(error) }
                case "children":
                    guard let child = readGroup(entry.key, entry.value, into: &builder, &ds) else { continue }
                    do throws(Diagnostic) { try builder.addChild(name, child, at: entry.key.location) } catch { ds.append(error) }
                default:
                    readHost(entry, group: name, into: &builder, &ds)
                }
            }
        }
        return name
    }

    private func readHost(_ entry: Node.Pair, group: String, into builder: inout InventoryBuilder, _ ds: inout [Diagnostic]) {
        guard let pattern = entry.key.text, entry.key.isScalar, case .string = YAML11Value.value(of: entry.key) else {
            ds.append(.error("a host name must be a string, found \(entry.key.kindName) '\(entry.key.text ?? "")'", at: entry.key.location,
                             hint: "put numbers in quotes"))
            return
        }
        let vars = entry.value.pairs.map(Array.init) ?? []
        if entry.value.pairs == nil, !entry.value.isNull {
            ds.append(.error("host '\(pattern)' must map to its variables, found \(entry.value.kindName)", at: entry.value.location))
            return
        }
        do throws(Diagnostic) {
            let (names, port) = try HostPattern.parse(pattern, at: entry.key.location)
            for host in names {
                builder.addHost(host, group: group, port: port, at: entry.key.location)
                for v in vars { builder.setHostVar(host, YAML11Value.key(v.key), YAML11Value.value(of: v.value), at: v.key.location) }
            }
        } catch {
            ds.append(error)
        }
    }
}
