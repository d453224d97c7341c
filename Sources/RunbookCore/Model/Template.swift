import RunbookYAML

/// Text that may hold `${{ … }}` expressions: a command, a path, a message.
///
/// The literal parts are the author's code; the expression parts are data and are quoted for
/// the context they land in (shell-quoted in commands, regex-escaped in patterns).
public struct Template: Sendable, Hashable {
    /// One piece of the text.
    public enum Segment: Sendable, Hashable {
        /// Author text, kept as written.
        case literal(String)
        /// An expression; `location` is where its `${{` starts.
        case expression(Expression, source: String, location: SourceLocation)
    }

    /// The text as written, for messages and for the journal's record of the runbook.
    public var raw: String
    public var segments: [Segment]
    public var location: SourceLocation

    public init(raw: String, segments: [Segment], location: SourceLocation) {
        self.raw = raw
        self.segments = segments
        self.location = location
    }

    /// A template that is only literal text.
    public static func literal(_ text: String, at location: SourceLocation) -> Template {
        Template(raw: text, segments: text.isEmpty ? [] : [.literal(text)], location: location)
    }

    /// True when the template has no expression.
    public var isLiteral: Bool {
        segments.allSatisfy { if case .literal = $0 { true } else { false } }
    }
}
