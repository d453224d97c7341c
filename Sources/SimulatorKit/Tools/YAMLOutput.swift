import Foundation

/// `-o yaml`: a JSON value as the block YAML kubectl prints (keys sorted, multi-line strings as
/// `|-` literal blocks; strings that would read as another type are quoted).
enum YAMLOutput {
    static func render(_ value: JSONValue) -> String {
        lines(value, indent: 0).joined(separator: "\n") + "\n"
    }

    private static func lines(_ value: JSONValue, indent: Int) -> [String] {
        let pad = String(repeating: " ", count: indent)
        switch value {
        case .object(let o):
            if o.isEmpty { return [pad + "{}"] }
            return o.keys.sorted().flatMap { key -> [String] in
                guard let v = o[key] else { return [] }
                return entry(pad + scalar(key) + ":", v, indent: indent)
            }
        case .array(let items):
            if items.isEmpty { return [pad + "[]"] }
            return items.flatMap { item -> [String] in
                guard case .object(let o) = item, !o.isEmpty else { return [pad + "- " + inline(item)] }
                let inner = lines(item, indent: indent + 2)
                return [pad + "- " + (inner.first ?? "").dropFirst(indent + 2)] + inner.dropFirst()
            }
        default:
            return [pad + inline(value)]
        }
    }

    /// `KEY:` or `-` followed by the value: inline for scalars, indented below for collections.
    private static func entry(_ head: String, _ v: JSONValue, indent: Int) -> [String] {
        switch v {
        case .object(let o) where !o.isEmpty:
            return [head] + lines(v, indent: indent + 2)
        case .array(let a) where !a.isEmpty:
            return [head] + lines(v, indent: indent)   // kubectl's sequences under a key are not indented
        case .string(let s) where s.contains("\n"):
            let body = s.hasSuffix("\n") ? String(s.dropLast()) : s
            let pad = String(repeating: " ", count: indent + 2)
            return [head + (s.hasSuffix("\n") ? " |" : " |-")] + body.split(separator: "\n", omittingEmptySubsequences: false).map { pad + $0 }
        case .object, .array:
            return [head + " " + (v.isEmptyArray ? "[]" : "{}")]
        default:
            return [head + " " + inline(v)]
        }
    }

    private static func inline(_ v: JSONValue) -> String {
        if case .string(let s) = v { return scalar(s) }
        return v.rendered()
    }

    /// A plain scalar when it reads back as the same string, else double-quoted.
    static func scalar(_ s: String) -> String {
        let reserved: Set<String> = ["", "true", "false", "null", "yes", "no", "on", "off", "~", "y", "n"]
        let plain = !reserved.contains(s.lowercased()) && Int(s) == nil && Double(s) == nil
            && s.first.map { $0.isLetter || $0.isNumber || $0 == "/" || $0 == "." || $0 == "_" } == true
            && s.allSatisfy { $0.isLetter || $0.isNumber || "./_-:@+ ".contains($0) }
            && !s.contains(": ") && !s.hasSuffix(":") && !s.hasSuffix(" ")
        return plain ? s : JSONValue.quote(s)
    }
}

extension JSONValue {
    var isEmptyArray: Bool { if case .array(let a) = self { return a.isEmpty }; return false }
}
