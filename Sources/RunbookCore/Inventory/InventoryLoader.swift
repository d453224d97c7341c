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

    /// Parses inventory text; `file` names it in diagnostics and picks the format by extension.
    /// - Throws: `DiagnosticError` with every problem found.
    public static func parse(_ text: String, file: String) throws(DiagnosticError) -> Inventory {
        if isYAML(text, file: file) {
            let node = try YAMLParser().parse(Array(text.utf8), file: file)
            return try YAMLInventoryReader(file: file).read(node)
        }
        return try INIInventoryReader(file: file).read(text)
    }

    private static func isYAML(_ text: String, file: String) -> Bool {
        let ext = (file as NSString).pathExtension.lowercased()
        if ext == "yaml" || ext == "yml" { return true }
        if ext == "ini" || ext == "cfg" { return false }
        // Ansible INI inventories have `[section]` lines or bare host names; YAML ones start with `hosts:`/`groups:`.
        for line in text.split(separator: "\n") {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.isEmpty || t.hasPrefix("#") || t.hasPrefix(";") || t == "---" { continue }
            return t.hasPrefix("hosts:") || t.hasPrefix("groups:") || t.hasPrefix("all:")
        }
        return false
    }
}

extension Inventory {
    /// Adds the `all` group (every host in declaration order) when it is missing.
    mutating func ensureAllGroup() {
        if groups["all"] == nil || groups["all"]?.isEmpty == true { groups["all"] = hosts.map(\.name) }
    }
}
