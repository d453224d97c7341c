import Foundation
import RunbookYAML

/// Parses and checks one param value against its declaration. Messages about secret params
/// never quote the value.
enum ParamValueParser {
    /// A value given as text (`--param`, environment): parsed per the param's type.
    static func parse(_ text: String, as param: Param, at location: SourceLocation? = nil) throws(Diagnostic) -> Value {
        let shown = param.secret ? "the given value" : "'\(text)'"
        switch param.kind {
        case .string:
            return .string(text)
        case .int:
            guard let i = Int(text) else { throw .error("param '\(param.name)' must be an int, found \(shown)", at: location) }
            return .int(i)
        case .bool:
            guard text == "true" || text == "false" else {
                throw .error("param '\(param.name)' must be true or false, found \(shown)", at: location, hint: "write true or false")
            }
            return .bool(text == "true")
        case .duration:
            guard let t = TimeSpan(parsing: text) else {
                throw .error("param '\(param.name)' must be a duration such as 90s or 10m, found \(shown)", at: location,
                             hint: "durations need a unit: ms, s, m or h")
            }
            return .string(t.description)
        case .list:
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("[") {
                let node: Node
                do { node = try YAMLParser().parse(Array(trimmed.utf8), file: "--param \(param.name)") } catch {
                    throw .error("param '\(param.name)' must be a list such as a,b or [a, b]", at: location)
                }
                return try parse(node, as: param)
            }
            if trimmed.isEmpty { return .list([]) }
            return .list(trimmed.split(separator: ",", omittingEmptySubsequences: false)
                .map { .string($0.trimmingCharacters(in: .whitespaces)) })
        }
    }

    /// A value from a params file: typed by its YAML form, positioned at its node.
    static func parse(_ node: Node, as param: Param) throws(Diagnostic) -> Value {
        if param.kind == .list {
            if let items = node.items {
                var out: [Value] = []
                for item in items {
                    guard let t = item.text else {
                        throw .error("items of list param '\(param.name)' must be scalars, found \(item.kindName)", at: item.location)
                    }
                    out.append(.string(t))
                }
                return .list(out)
            }
        }
        guard let text = node.text else {
            throw .error("param '\(param.name)' must be \(param.kind == .list ? "a list" : "a \(param.kind.rawValue)"), found \(node.kindName)",
                         at: node.location)
        }
        if node.scalarStyle != .plain, param.kind == .int || param.kind == .bool {
            throw .error("param '\(param.name)' must be \(param.kind == .int ? "an int" : "true or false"), found a quoted string", at: node.location)
        }
        return try parse(text, as: param, at: node.location)
    }

    /// Pattern and enum checks; `location` is where the value was written (a params file), if anywhere.
    /// A value is shown clipped: a hostile 50 KB value must not flood the screen.
    static func constraints(_ value: Value, of param: Param, at location: SourceLocation? = nil) -> [Diagnostic] {
        var ds: [Diagnostic] = []
        let shown = { (v: Value) in param.secret ? "the given value" : "'\(v.description.clipped)'" }
        if let pattern = param.pattern, let regex = try? NSRegularExpression(pattern: "^(?:\(pattern))$") {
            let items: [Value] = if case .list(let l) = value { l } else { [value] }
            for item in items {
                let s = item.description
                if regex.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) == nil {
                    ds.append(Diagnostic(.error, "param '\(param.name)': \(shown(item)) does not match the pattern '\(pattern)'",
                                         at: location, notes: [.init("declared here", at: param.location)]))
                }
            }
        }
        if let allowed = param.allowed, !allowed.contains(value) {
            let list = allowed.map(\.description).joined(separator: ", ")
            ds.append(Diagnostic(.error, "param '\(param.name)': \(shown(value)) is not one of the allowed values",
                                 at: location, hint: param.secret ? nil : "allowed: \(list)", notes: [.init("declared here", at: param.location)]))
        }
        return ds
    }
}
