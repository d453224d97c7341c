import RunbookYAML

/// Built-in file actions: `edit`, `copy`, `move`, `archive`, `write`, `fetch`.
extension RunbookDecoder {
    static let fileActionKeys = ["edit", "copy", "move", "archive", "write", "fetch"]
    static let changeKeys = ["delete_lines", "replace", "ensure_line", "set"]

    mutating func fileAction(_ key: String, _ node: Node) -> FileAction? {
        switch key {
        case "edit":
            guard let f = fields(node, of: "'edit'", allowed: ["path", "changes"], required: ["path", "changes"]) else { return nil }
            let path = f["path"].flatMap { template($0) }
            let items = f["changes"].flatMap { changes($0) }
            guard let path, let items else { return nil }
            let optional = Set(items.indices.filter { items[$0].optional })
            return .edit(path: path, edits: items.map { $0.edit }, optional: optional)
        case "copy", "move":
            guard let f = fields(node, of: "'\(key.clipped)'", allowed: ["from", "to"], required: ["from", "to"]) else { return nil }
            let from = f["from"].flatMap { template($0) }
            let to = f["to"].flatMap { template($0) }
            guard let from, let to else { return nil }
            return key == "copy" ? .copy(from: from, to: to) : .move(from: from, to: to)
        case "archive":
            guard let f = fields(node, of: "'archive'", allowed: ["paths", "to"], required: ["paths", "to"]) else { return nil }
            let paths = f["paths"].flatMap { oneOrMany($0) }.map { nodes in nodes.compactMap { template($0) } }
            let to = f["to"].flatMap { template($0) }
            guard let paths, let to, paths.count == f["paths"].flatMap({ $0.items?.count ?? 1 }) else { return nil }
            return .archive(paths: paths, to: to)
        case "write":
            guard let f = fields(node, of: "'write'", allowed: ["path", "content"], required: ["path", "content"]) else { return nil }
            let path = f["path"].flatMap { template($0) }
            let content = f["content"].flatMap { template($0) }
            guard let path, let content else { return nil }
            return .write(path: path, content: content)
        case "fetch":
            guard let f = fields(node, of: "'fetch'", allowed: ["from", "to", "passphrase"], required: ["from", "to"]) else { return nil }
            let from = f["from"].flatMap { template($0) }
            let to = f["to"].flatMap { template($0) }
            let passphrase = f["passphrase"].map { template($0) }
            guard let from, let to, passphrase != .some(nil) else { return nil }
            return .fetch(from: from, to: to, passphrase: passphrase ?? nil)
        default:
            return nil
        }
    }

    private mutating func changes(_ node: Node) -> [(edit: FileEdit, optional: Bool)]? {
        guard let items = node.items, !items.isEmpty else {
            error("expected a non-empty list of changes for 'changes', found \(Self.found(node))", at: node.location,
                  hint: "each change is one of: \(Self.changeKeys.joined(separator: ", "))")
            return nil
        }
        let edits = items.compactMap { change($0) }
        return edits.count == items.count ? edits : nil
    }

    /// One change and whether it is `optional: true` (may match nothing).
    private mutating func change(_ node: Node) -> (edit: FileEdit, optional: Bool)? {
        guard let f = fields(node, of: "an edit change", allowed: Self.changeKeys + ["optional"]) else { return nil }
        var optional = false
        if let flag = f["optional"] {
            guard let b = bool(flag) else { return nil }
            optional = b
        }
        return edit(f, node).map { ($0, optional) }
    }

    private mutating func edit(_ f: Fields, _ node: Node) -> FileEdit? {
        let keys = f.keys.filter { $0 != "optional" }
        guard keys.count == 1, let key = keys.first, let value = f[key] else {
            if keys.count > 1 {
                error("an edit change does one thing; found \(keys.map { "'\($0)'" }.joined(separator: " and "))", at: node.location,
                      hint: "write each change as its own list item")
            } else if keys.isEmpty, (node.pairs?.count ?? 0) == f.keys.count {
                error("empty edit change", at: node.location, hint: "use one of: \(Self.changeKeys.joined(separator: ", "))")
            }
            return nil
        }
        switch key {
        case "delete_lines":
            return regexTemplate(value).map { FileEdit.deleteLines(matching: $0) }
        case "replace":
            guard let r = fields(value, of: "'replace'", allowed: ["pattern", "with"], required: ["pattern", "with"]) else { return nil }
            let pattern = r["pattern"].flatMap { regexTemplate($0) }
            let with = r["with"].flatMap { template($0) }
            guard let pattern, let with else { return nil }
            return .replace(pattern: pattern, with: with)
        case "ensure_line":
            if value.isScalar { return template(value).map { FileEdit.ensureLine($0, after: nil) } }
            guard let e = fields(value, of: "'ensure_line'", allowed: ["line", "after"], required: ["line"]) else { return nil }
            let line = e["line"].flatMap { template($0) }
            let after = e["after"].map { regexTemplate($0) }
            guard let line, after != .some(nil) else { return nil }
            return .ensureLine(line, after: after ?? nil)
        default:
            guard let s = fields(value, of: "'set'", allowed: ["key", "value"], required: ["key", "value"]) else { return nil }
            let k = s["key"].flatMap { template($0) }
            let v = s["value"].flatMap { template($0) }
            guard let k, let v else { return nil }
            return .setKey(key: k, value: v)
        }
    }
}
