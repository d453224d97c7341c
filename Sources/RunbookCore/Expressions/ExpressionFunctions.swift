import Foundation
import RunbookYAML

/// The functions expressions may call: `join`, `length`, `contains`, `default`, `matches`.
enum ExpressionFunctions {
    /// Function names with their argument counts, for static checks and messages.
    static let arity: [String: Int] = ["join": 2, "length": 1, "contains": 2, "default": 2, "matches": 2]

    static func call(_ name: String, _ arguments: [Expression], _ at: SourceLocation,
                     evaluator: ExpressionEvaluator) throws(Diagnostic) -> EvaluatedValue {
        guard let count = arity[name] else {
            throw .error("unknown function '\(name)'", at: at,
                         hint: NearestName.hint(name, among: arity.keys) ?? "functions: contains, default, join, length, matches")
        }
        guard arguments.count == count else {
            throw .error("\(name) takes \(count) argument\(count == 1 ? "" : "s"), found \(arguments.count)", at: at)
        }
        if name == "default", let first = try? evaluator.eval(arguments[0], at) {
            // The fallback is the author's choice, so it keeps its provenance (a literal flag stays a literal).
            guard case .known(let v) = first.content else { return first }
            return isEmpty(v) ? try evaluator.eval(arguments[1], at) : first
        }
        if name == "default", isOptionalReference(arguments[0]) {
            // `default(steps.x.outputs.y, …)` after x was skipped, `default(host.vars.z, …)` on a host without z.
            return try evaluator.eval(arguments[1], at)
        }
        var values: [EvaluatedValue] = []
        for argument in arguments { values.append(try evaluator.eval(argument, at)) }
        if name == "default" {
            // The fallback is the author's choice, so it keeps its provenance (a literal flag stays a literal).
            guard case .known(let v) = values[0].content else { return values[0] }
            return isEmpty(v) ? values[1] : values[0]
        }
        return try evaluator.combine(values) { (vs: [Value]) throws(Diagnostic) -> Value in
            try apply(name, vs, at)
        }
    }

    private static func apply(_ name: String, _ vs: [Value], _ at: SourceLocation) throws(Diagnostic) -> Value {
        switch name {
        case "join":
            guard case .list(let items) = vs[0] else { throw .error("join needs a list first, found \(vs[0].typeName)", at: at) }
            guard case .string(let separator) = vs[1] else { throw .error("join needs a string separator, found \(vs[1].typeName)", at: at) }
            return .string(items.map(\.description).joined(separator: separator))
        case "length":
            switch vs[0] {
            case .string(let s): return .int(s.count)
            case .list(let l): return .int(l.count)
            case .map(let m): return .int(m.count)
            default: throw .error("length needs a string, list or map, found \(vs[0].typeName)", at: at)
            }
        case "contains":
            switch (vs[0], vs[1]) {
            case let (.list(items), needle): return .bool(items.contains(needle))
            case let (.string(s), .string(needle)): return .bool(s.contains(needle))
            default:
                throw .error("contains needs a list, or two strings; found \(vs[0].typeName) and \(vs[1].typeName)", at: at)
            }
        default: // matches
            guard case .string(let s) = vs[0], case .string(let pattern) = vs[1] else {
                throw .error("matches needs two strings, found \(vs[0].typeName) and \(vs[1].typeName)", at: at)
            }
            guard let regex = try? NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines]) else {
                throw .error("invalid regular expression '\(pattern)'", at: at)
            }
            let range = NSRange(s.startIndex..., in: s)
            return .bool(regex.firstMatch(in: s, range: range) != nil)
        }
    }

    /// References whose absence `default` may cover: step outputs and host variables.
    private static func isOptionalReference(_ e: Expression) -> Bool {
        guard case .reference(let path) = e else { return false }
        return (path.first == "steps" && path.count >= 4 && path[2] == "outputs") || (path.first == "host" && path.count >= 3 && path[1] == "vars")
    }

    /// What `default` replaces: null, the empty string and the empty list.
    static func isEmpty(_ v: Value) -> Bool {
        switch v {
        case .null: true
        case .string(let s): s.isEmpty
        case .list(let l): l.isEmpty
        default: false
        }
    }
}
