import Foundation
import RunbookYAML

/// The YAML side of the object store: reading a file's or a stored object's documents as JSON
/// values, and printing them as kubectl's `-o yaml` does.
extension OcExport {
    /// The documents of a YAML text as JSON values (plain scalars typed as YAML 1.1 does for
    /// null, booleans and integers; everything else a string).
    static func parse(_ text: String, file: String) throws -> [JSONValue] {
        let node = try YAMLParser().parse(Array(text.utf8), file: file)
        return [json(node)]
    }

    static func json(_ n: Node) -> JSONValue {
        switch n.kind {
        case .sequence(let items): return .array(items.map(json))
        case .mapping(let pairs):
            var o: [String: JSONValue] = [:]
            for p in pairs { o[p.key.text ?? ""] = json(p.value) }
            return .object(o)
        case .scalar(let s):
            guard s.style == .plain else { return .string(s.text) }
            switch s.text {
            case "", "~", "null", "Null", "NULL": return .null
            case "true", "True", "TRUE": return .bool(true)
            case "false", "False", "FALSE": return .bool(false)
            default: return Int(s.text).map(JSONValue.number) ?? .string(s.text)
            }
        }
    }

    /// Block YAML as kubectl prints it (go-yaml v2): keys sorted, two-space indentation, sequence
    /// items at their key's indentation, strings quoted only where a plain scalar would not read back.
    static func yaml(_ value: JSONValue) -> String {
        var out = ""
        block(value, indent: 0, into: &out)
        return out
    }

    static func block(_ value: JSONValue, indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        switch value {
        case .object(let o) where !o.isEmpty:
            for key in o.keys.sorted() {
                let v = o[key] ?? .null
                out += pad + scalar(.string(key)) + ":"
                switch v {
                case .object(let inner) where !inner.isEmpty: out += "\n"; block(v, indent: indent + 2, into: &out)
                case .array(let inner) where !inner.isEmpty: out += "\n"; block(v, indent: indent, into: &out)
                case .string(let text) where literal(text): out += literalBlock(text, indent: indent + 2)
                default: out += " " + scalar(v) + "\n"
                }
            }
        case .array(let items) where !items.isEmpty:
            for item in items {
                let nested: Bool
                switch item {
                case .object(let o): nested = !o.isEmpty
                case .array(let list): nested = !list.isEmpty
                default: nested = false
                }
                guard nested else { out += pad + "- " + scalar(item) + "\n"; continue }
                var inner = ""
                block(item, indent: indent + 2, into: &inner)
                out += pad + "- " + inner.dropFirst(indent + 2)
            }
        default: out += pad + scalar(value) + "\n"
        }
    }

    /// Whether go-yaml v2 would print the text as a literal block (`|`, `|-`): it has line breaks
    /// and reads back exactly without an indentation indicator (no leading space, at most one final
    /// line break, no trailing spaces on a line, no control characters but the breaks).
    static func literal(_ s: String) -> Bool {
        guard s.contains("\n"), s.first != " ", s.first != "\n", !s.hasSuffix("\n\n") else { return false }
        if s.split(separator: "\n", omittingEmptySubsequences: false).contains(where: { $0.hasSuffix(" ") }) { return false }
        return !s.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n") || $0.value == 0x7f }
    }

    /// ` |` (text ending in a line break) or ` |-` and the lines at `indent`.
    static func literalBlock(_ s: String, indent: Int) -> String {
        let pad = String(repeating: " ", count: indent)
        let body = s.hasSuffix("\n") ? String(s.dropLast()) : s
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : pad + $0 }
        return (s.hasSuffix("\n") ? " |\n" : " |-\n") + lines.joined(separator: "\n") + "\n"
    }

    static func scalar(_ v: JSONValue) -> String {
        switch v {
        case .object: return "{}"
        case .array: return "[]"
        case .string(let s): return plainSafe(s) ? s : JSONValue.quote(s)
        default: return v.rendered()
        }
    }

    static func plainSafe(_ s: String) -> Bool {
        guard let first = s.first, let last = s.last, first != " ", last != " " else { return false }
        if "-?:,[]{}#&*!|>'\"%@`".contains(first) { return false }
        if s.contains(": ") || s.contains(" #") || s.hasSuffix(":") { return false }
        if s.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) { return false }
        let reserved: Set<String> = ["true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"]
        if reserved.contains(s.lowercased()) { return false }
        if Double(s) != nil || Int(s) != nil || s.hasPrefix("0x") || s.hasPrefix("0o") { return false }
        return true
    }
}
