import Foundation
import RunbookYAML

/// Evaluates an `Expression` in an `EvaluationContext`.
///
/// Every failure is a `Diagnostic` at the expression's `${{`: an unknown reference (with a
/// did-you-mean hint), a value of the wrong type, an index out of range. Secret params never
/// appear in a message.
public struct ExpressionEvaluator: Sendable {
    /// What references resolve against.
    public var context: EvaluationContext

    /// An evaluator over `context`.
    public init(context: EvaluationContext) { self.context = context }

    /// The value of `expression`.
    /// - Throws: `Diagnostic` at `location`, also when the value depends on a step that has not run yet.
    public func evaluate(_ expression: Expression, at location: SourceLocation) throws(Diagnostic) -> Value {
        let result = try evaluateDetailed(expression, at: location)
        switch result.content {
        case .known(let v): return v
        case .unknown(let placeholder):
            throw .error("\(placeholder) is not known yet: the step has not run", at: location)
        }
    }

    /// The value of `expression` with its provenance; a value that depends on a step that has not
    /// run is `.unknown` when `context.allowUnknown` is set.
    /// - Throws: `Diagnostic` at `location`.
    public func evaluateDetailed(_ expression: Expression, at location: SourceLocation) throws(Diagnostic) -> EvaluatedValue {
        try eval(expression, location)
    }

    /// A `when` condition: true, false, or nil when it is decided at run time.
    /// - Throws: `Diagnostic` when it is not a boolean or cannot be evaluated.
    public func evaluateCondition(_ template: Template) throws(Diagnostic) -> Bool? {
        let expressions = template.segments.compactMap { segment -> (Expression, SourceLocation)? in
            if case .expression(let e, _, let at) = segment { return (e, at) }
            return nil
        }
        let literalText = template.segments.map { segment -> String in
            if case .literal(let s) = segment { return s }
            return ""
        }.joined().trimmingCharacters(in: .whitespacesAndNewlines)
        guard expressions.count == 1, literalText.isEmpty, let (expression, at) = expressions.first else {
            if expressions.isEmpty, literalText == "true" { return true }
            if expressions.isEmpty, literalText == "false" { return false }
            throw .error("a condition must be one expression such as ${{ params.force }}", at: template.location)
        }
        let result = try eval(expression, at)
        switch result.content {
        case .unknown: return nil
        case .known(.bool(let b)): return b
        case .known(let other):
            throw .error("a condition must be a bool, found \(other.typeName)", at: at,
                         hint: "compare it, e.g. ${{ params.x == 'yes' }}")
        }
    }

    // MARK: - Evaluation

    func eval(_ e: Expression, _ at: SourceLocation) throws(Diagnostic) -> EvaluatedValue {
        switch e {
        case .literal(let v):
            return EvaluatedValue(.known(v), authored: { if case .string = v { true } else { false } }())
        case .reference(let path):
            return try reference(path, at)
        case .index(let base, let index):
            let b = try eval(base, at), i = try eval(index, at)
            return try combine([b, i]) { (vs: [Value]) throws(Diagnostic) -> Value in try subscripted(vs[0], vs[1], at) }
        case .not(let operand):
            let v = try eval(operand, at)
            return try combine([v]) { (vs: [Value]) throws(Diagnostic) -> Value in
                guard case .bool(let b) = vs[0] else { throw typeError("'!' needs a bool", vs[0], at) }
                return .bool(!b)
            }
        case .binary(let op, let lhs, let rhs):
            return try binary(op, lhs, rhs, at)
        case .conditional(let condition, let then, let otherwise):
            let c = try eval(condition, at)
            guard case .known(let cv) = c.content else { return EvaluatedValue(c.content, secret: c.secret) }
            guard case .bool(let flag) = cv else { throw typeError("the condition of '?:' must be a bool", cv, at) }
            var chosen = try eval(flag ? then : otherwise, at)
            chosen.secret = chosen.secret || c.secret
            return chosen
        case .call(let name, let arguments):
            return try ExpressionFunctions.call(name, arguments, at, evaluator: self)
        }
    }

    /// Applies `f` to known values; an unknown operand makes the result unknown; secrecy spreads.
    func combine(_ operands: [EvaluatedValue], _ f: ([Value]) throws(Diagnostic) -> Value) throws(Diagnostic) -> EvaluatedValue {
        let secret = operands.contains { $0.secret }
        var values: [Value] = []
        for operand in operands {
            switch operand.content {
            case .known(let v): values.append(v)
            case .unknown(let p): return EvaluatedValue(.unknown(p), secret: secret)
            }
        }
        return EvaluatedValue(.known(try f(values)), secret: secret)
    }

    private func binary(_ op: Expression.BinaryOperator, _ lhs: Expression, _ rhs: Expression,
                        _ at: SourceLocation) throws(Diagnostic) -> EvaluatedValue {
        let l = try eval(lhs, at)
        if op == .and || op == .or {
            // Short-circuit: `false && x` is false even when x is not known yet.
            if case .known(let lv) = l.content {
                guard case .bool(let lb) = lv else { throw typeError("'\(op.rawValue)' needs bools", lv, at) }
                if op == .and, !lb { return EvaluatedValue(.known(.bool(false)), secret: l.secret) }
                if op == .or, lb { return EvaluatedValue(.known(.bool(true)), secret: l.secret) }
            }
            let r = try eval(rhs, at)
            return try combine([l, r]) { (vs: [Value]) throws(Diagnostic) -> Value in
                guard case .bool(let a) = vs[0] else { throw typeError("'\(op.rawValue)' needs bools", vs[0], at) }
                guard case .bool(let b) = vs[1] else { throw typeError("'\(op.rawValue)' needs bools", vs[1], at) }
                return .bool(op == .and ? a && b : a || b)
            }
        }
        let r = try eval(rhs, at)
        return try combine([l, r]) { (vs: [Value]) throws(Diagnostic) -> Value in
            try compare(op, vs[0], vs[1], at)
        }
    }

    private func compare(_ op: Expression.BinaryOperator, _ a: Value, _ b: Value, _ at: SourceLocation) throws(Diagnostic) -> Value {
        switch op {
        case .equal: return .bool(a == b)
        case .notEqual: return .bool(a != b)
        default: break
        }
        let order: Int
        switch (a, b) {
        case let (.int(x), .int(y)): order = x < y ? -1 : (x == y ? 0 : 1)
        case let (.string(x), .string(y)): order = x < y ? -1 : (x == y ? 0 : 1)
        default:
            throw .error("'\(op.rawValue)' compares two ints or two strings, found \(a.typeName) and \(b.typeName)", at: at)
        }
        switch op {
        case .less: return .bool(order < 0)
        case .lessOrEqual: return .bool(order <= 0)
        case .greater: return .bool(order > 0)
        default: return .bool(order >= 0)
        }
    }

    private func subscripted(_ base: Value, _ index: Value, _ at: SourceLocation) throws(Diagnostic) -> Value {
        switch (base, index) {
        case let (.list(items), .int(i)):
            guard items.indices.contains(i) else {
                throw .error("index \(i) is out of range for a list of \(items.count) item\(items.count == 1 ? "" : "s")", at: at)
            }
            return items[i]
        case let (.map(entries), .string(key)):
            guard let v = entries[key] else {
                throw .error("no key '\(key)'", at: at, hint: NearestName.hint(key, among: entries.keys))
            }
            return v
        default:
            throw .error("cannot index \(base.typeName) with \(index.typeName)", at: at,
                         hint: "index a list with an int (x[0]) or a map with a string (x['key'])")
        }
    }

    func typeError(_ what: String, _ found: Value, _ at: SourceLocation) -> Diagnostic {
        .error("\(what), found \(found.typeName)", at: at)
    }
}
