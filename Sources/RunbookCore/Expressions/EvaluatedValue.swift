/// An expression's result together with where it came from, which decides how it is rendered.
public struct EvaluatedValue: Sendable, Hashable {
    /// A value, or a placeholder for a value that is only known at run time (a capture during `plan`).
    public enum Content: Sendable, Hashable {
        case known(Value)
        /// The placeholder shown instead, e.g. `<steps.backup.outputs.path>`.
        case unknown(String)
    }

    /// The value or its placeholder.
    public var content: Content
    /// True when the value is a string literal the author wrote inside the expression
    /// (`a ? '--force' : ''`): that is author code, and a safe word may stay unquoted.
    public var authored: Bool
    /// True when a secret param contributed to the value: it is shown as `***`.
    public var secret: Bool

    public init(_ content: Content, authored: Bool = false, secret: Bool = false) {
        self.content = content
        self.authored = authored
        self.secret = secret
    }

    /// The value, or nil when it is not known yet.
    public var value: Value? {
        if case .known(let v) = content { return v }
        return nil
    }
}
