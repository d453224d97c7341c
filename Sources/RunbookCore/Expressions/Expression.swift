/// The syntax tree of a `${{ … }}` expression.
///
/// References: `params.x`, `steps.<id>.outputs.<name>`, `steps.<id>.status`, `hosts.<group>`,
/// `item`, `host` (and `host.name`, `host.address`, `host.vars.x`). Operators
/// `== != < <= > >= && || !` and `?:`; functions `join`, `length`, `contains`, `default`, `matches`.
public indirect enum Expression: Sendable, Hashable {
    case literal(Value)
    /// A dotted reference such as `params.node` or `steps.drain.outputs.pods`.
    case reference([String])
    /// `list[index]` or `map['key']`.
    case index(Expression, Expression)
    case not(Expression)
    case binary(BinaryOperator, Expression, Expression)
    case conditional(Expression, Expression, Expression)
    case call(String, [Expression])

    /// A binary operator.
    public enum BinaryOperator: String, Sendable, Hashable {
        case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
        case and = "&&", or = "||"
    }
}
