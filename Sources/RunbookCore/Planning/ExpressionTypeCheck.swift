import Foundation
import RunbookYAML

/// Type errors visible without running anything: literals of the wrong type given to operators
/// and functions, unknown functions, wrong argument counts, regexes that do not compile.
enum ExpressionTypeCheck {
    static func check(_ e: Expression, at: SourceLocation) -> Diagnostic? {
        switch e {
        case .not(.literal(let v)) where !isBool(v):
            return .error("'!' needs a bool, found \(v.typeName)", at: at)
        case .binary(let op, let a, let b) where op == .and || op == .or:
            for case .literal(let v) in [a, b] where !isBool(v) {
                return .error("'\(op.rawValue)' needs bools, found \(v.typeName)", at: at)
            }
            return nil
        case .conditional(.literal(let v), _, _) where !isBool(v):
            return .error("the condition of '?:' must be a bool, found \(v.typeName)", at: at)
        case .call(let name, let args):
            return checkCall(name, args, at)
        default:
            return nil
        }
    }

    private static func checkCall(_ name: String, _ args: [Expression], _ at: SourceLocation) -> Diagnostic? {
        guard let count = ExpressionFunctions.arity[name] else {
            return .error("unknown function '\(name)'", at: at,
                          hint: NearestName.hint(name, among: ExpressionFunctions.arity.keys)
                              ?? "functions: contains, default, join, length, matches")
        }
        guard args.count == count else {
            return .error("\(name) takes \(count) argument\(count == 1 ? "" : "s"), found \(args.count)", at: at)
        }
        switch (name, args.first) {
        case ("length", .literal(let v)?):
            switch v {
            case .string, .list, .map: return nil
            default: return .error("length needs a string, list or map, found \(v.typeName)", at: at)
            }
        case ("join", .literal(let v)?):
            if case .list = v { return nil }
            return .error("join needs a list first, found \(v.typeName)", at: at)
        case ("matches", _):
            guard case .literal(.string(let pattern)) = args[1] else { return nil }
            if (try? NSRegularExpression(pattern: pattern)) == nil {
                return .error("invalid regular expression '\(pattern)'", at: at)
            }
            return nil
        default:
            return nil
        }
    }

    private static func isBool(_ v: Value) -> Bool {
        if case .bool = v { return true }
        return false
    }
}
