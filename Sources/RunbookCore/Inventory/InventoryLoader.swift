import Foundation
import RunbookYAML

/// Reads an inventory file: YAML (`hosts:` / `groups:`) or an Ansible INI inventory such as
/// `/etc/ansible/hosts`, chosen by extension and, failing that, by content.
public enum InventoryLoader {
    /// Loads the inventory at `path`.
    /// - Throws: `DiagnosticError` with every problem found, each at `file:line:column`.
    public static func load(path: String) throws(DiagnosticError) -> Inventory {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DiagnosticError(.error("cannot read inventory '\(path)'", at: nil, hint: "check the path given to --inventory"))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw DiagnosticError(.error("inventory is not UTF-8 text", at: SourceLocation(file: path, line: 1, column: 1)))
        }
        return try parse(text, file: path)
    }

    /// Parses inventory text; `file` names it in diagnostics and picks the format as Ansible does:
    /// `.yaml`/`.yml`/`.json` are YAML; a file without extension is YAML when it parses as a YAML
    /// mapping, else INI; anything else is INI. A YAML mapping whose keys are only `hosts` and
    /// `groups` is `runbook`'s own format; any other is Ansible's (`all: {hosts, children, vars}`).
    /// - Throws: `DiagnosticError` with every problem found.
    public static func parse(_ text: String, file: String) throws(DiagnosticError) -> Inventory {
        let ext = (file as NSString).pathExtension.lowercased()
        let node: Node
        switch ext {
        case "yaml", "yml", "json":
            node = try YAMLParser().parse(Array(text.utf8), file: file)
        case "":
            guard let parsed = try? YAMLParser().parse(Array(text.utf8), file: file), parsed.pairs != nil else {
                return try INIInventoryReader(file: file).read(text)
            }
            node = parsed
        default:
            return try INIInventoryReader(file: file).read(text)
        }
        if let pairs = node.pairs, !pairs.isEmpty, pairs.allSatisfy({ $0.key.text == "hosts" || $0.key.text == "groups" }) {
            return try YAMLInventoryReader(file: file).read(node)
        }
        return try AnsibleYAMLInventoryReader(file: file).read(node)
    }
}

extension Inventory {
    /// Adds the `all` group (every host in declaration order) when it is missing.
    mutating func ensureAllGroup() {
        if groups["all"] == nil || groups["all"]?.isEmpty == true { groups["all"] = hosts.map(\.name) }
    }
}
