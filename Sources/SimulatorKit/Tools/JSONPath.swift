/// kubectl's `-o jsonpath=TEMPLATE`: `{.a.b[*].c}`, `{.data.ca\.crt}`, `[N]`, `[?(@.k=="v")]`, `{range …}{end}`, quoted literals.
struct JSONPath {
    enum JSONPathError: Error { case syntax(String) }

    /// Renders the template against `root`.
    static func render(_ template: String, _ root: JSONValue) throws -> String {
        var tokens: [String] = []   // "T:text" or "E:expr"
        var text = "", i = template.startIndex
        while i < template.endIndex {
            let ch = template[i]
            if ch == "{" {
                guard let close = template[i...].firstIndex(of: "}") else { throw JSONPathError.syntax("unclosed action") }
                if !text.isEmpty { tokens.append("T:" + text); text = "" }
                tokens.append("E:" + template[template.index(after: i)..<close].trimmingCharacters(in: .whitespaces))
                i = template.index(after: close)
            } else {
                text.append(ch)
                i = template.index(after: i)
            }
        }
        if !text.isEmpty { tokens.append("T:" + text) }
        var pos = 0
        return try run(tokens, &pos, current: root, root: root)
    }

    private static func run(_ tokens: [String], _ pos: inout Int, current: JSONValue, root: JSONValue) throws -> String {
        var out = ""
        while pos < tokens.count {
            let token = tokens[pos]
            pos += 1
            if token.hasPrefix("T:") { out += token.dropFirst(2); continue }
            let expr = String(token.dropFirst(2))
            if expr == "end" { return out }
            if expr.hasPrefix("range ") {
                let items = try evaluate(String(expr.dropFirst(6)), current: current, root: root)
                let start = pos
                var bodyEnd = pos
                if items.isEmpty { _ = try run(tokens, &bodyEnd, current: .null, root: root) }
                for item in items {
                    var p = start
                    out += try run(tokens, &p, current: item, root: root)
                    bodyEnd = p
                }
                pos = bodyEnd
                continue
            }
            if expr.hasPrefix("\"") && expr.hasSuffix("\"") && expr.count >= 2 {
                out += String(expr.dropFirst().dropLast()).replacingOccurrences(of: "\\n", with: "\n")
                    .replacingOccurrences(of: "\\t", with: "\t")
                continue
            }
            out += try evaluate(expr, current: current, root: root).map(\.plain).joined(separator: " ")
        }
        return out
    }

    /// Values selected by a path such as `.items[*].metadata.name` (relative to `current`; `$` is the root).
    static func evaluate(_ path: String, current: JSONValue, root: JSONValue) throws -> [JSONValue] {
        var values: [JSONValue] = [current]
        var rest = Substring(path)
        if rest.hasPrefix("$") { values = [root]; rest = rest.dropFirst() }
        if rest.hasPrefix("@") { rest = rest.dropFirst() }
        while !rest.isEmpty {
            if rest.hasPrefix(".") {
                rest = rest.dropFirst()
                // kubectl's jsonpath reads `\.` as a dot inside a field name (`{.data.ca\.crt}`)
                var name = ""
                while let ch = rest.first, ch != ".", ch != "[" {
                    rest = rest.dropFirst()
                    if ch == "\\", let next = rest.first { name.append(next); rest = rest.dropFirst() } else { name.append(ch) }
                }
                if name.isEmpty { continue }
                values = values.compactMap { $0[name] }
            } else if rest.hasPrefix("[") {
                guard let close = rest.firstIndex(of: "]") else { throw JSONPathError.syntax("unclosed [") }
                let inner = rest[rest.index(after: rest.startIndex)..<close]
                rest = rest[rest.index(after: close)...]
                values = try values.flatMap { try subscriptValues($0, String(inner), root: root) }
            } else {
                throw JSONPathError.syntax("unrecognized character in action: \(rest.prefix(1))")
            }
        }
        return values
    }

    private static func subscriptValues(_ v: JSONValue, _ inner: String, root: JSONValue) throws -> [JSONValue] {
        if inner == "*" {
            if case .array(let a) = v { return a }
            if case .object(let o) = v { return o.keys.sorted().compactMap { o[$0] } }
            return []
        }
        if let n = Int(inner) {
            guard case .array(let a) = v else { return [] }
            let index = n < 0 ? a.count + n : n
            return a.indices.contains(index) ? [a[index]] : []
        }
        if inner.hasPrefix("'") || inner.hasPrefix("\"") { return v[String(inner.dropFirst().dropLast())].map { [$0] } ?? [] }
        if inner.hasPrefix("?(") && inner.hasSuffix(")") {
            guard case .array(let a) = v else { return [] }
            let cond = inner.dropFirst(2).dropLast()
            guard let eq = cond.range(of: "==") else {
                return try a.filter { !(try evaluate(String(cond), current: $0, root: root)).isEmpty }
            }
            let lhs = cond[..<eq.lowerBound].trimmingCharacters(in: .whitespaces)
            var rhs = cond[eq.upperBound...].trimmingCharacters(in: .whitespaces)
            if rhs.hasPrefix("\"") || rhs.hasPrefix("'") { rhs = String(rhs.dropFirst().dropLast()) }
            return try a.filter { try evaluate(lhs, current: $0, root: root).first?.plain == rhs }
        }
        throw JSONPathError.syntax("unsupported subscript [\(inner)]")
    }
}
