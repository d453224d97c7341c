import Foundation

/// A JSON document built by the tools (`-o json`, `-w json`) and walked by `-o jsonpath`.
indirect enum JSONValue: Equatable {
    case string(String), number(Int), bool(Bool), null, raw(String), array([JSONValue]), object([String: JSONValue])

    subscript(_ key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    /// Pretty-printed with sorted keys and 4-space indentation, like kubectl.
    func rendered(indent: Int = 0) -> String {
        let pad = String(repeating: " ", count: indent + 4), end = String(repeating: " ", count: indent)
        switch self {
        case .string(let s): return Self.quote(s)
        case .number(let n): return String(n)
        case .raw(let r): return r
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .array(let items):
            if items.isEmpty { return "[]" }
            return "[\n" + items.map { pad + $0.rendered(indent: indent + 4) }.joined(separator: ",\n") + "\n\(end)]"
        case .object(let o):
            if o.isEmpty { return "{}" }
            return "{\n" + o.keys.sorted().map { pad + Self.quote($0) + ": " + (o[$0] ?? .null).rendered(indent: indent + 4) }
                .joined(separator: ",\n") + "\n\(end)}"
        }
    }

    /// Compact text for jsonpath output: strings bare, everything else as JSON.
    var plain: String {
        switch self {
        case .string(let s): return s
        case .number, .raw, .bool, .null: return rendered()
        case .array, .object: return compact
        }
    }

    /// One line, no spaces (`{"a":[1,2]}`), like Go's encoding/json.
    var compact: String {
        switch self {
        case .array(let items): return "[" + items.map(\.compact).joined(separator: ",") + "]"
        case .object(let o): return "{" + o.keys.sorted().map { Self.quote($0) + ":" + (o[$0] ?? .null).compact }.joined(separator: ",") + "}"
        default: return rendered()
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for ch in s.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out + "\""
    }

    /// A Kubernetes `List`.
    static func list(_ items: [JSONValue]) -> JSONValue {
        .object(["apiVersion": .string("v1"), "kind": .string("List"), "items": .array(items),
                 "metadata": .object(["resourceVersion": .string(""), "selfLink": .string("")])])
    }
}
