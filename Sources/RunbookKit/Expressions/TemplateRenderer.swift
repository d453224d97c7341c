/// Turns a `Template` into final text for one context.
///
/// Literal parts are the author's code and are kept as written; every value an expression
/// produces is data and is escaped for where it lands (`mode`), so a param value can never add
/// a word to a command or widen a regular expression.
public struct TemplateRenderer: Sendable {
    /// Where the rendered text is going.
    public enum Mode: Sendable, Hashable {
        /// A `/bin/sh` command line: values are single-quoted words (lists become several words).
        case shell
        /// A regular expression: values are regex-escaped.
        case regex
        /// Plain text (file contents, messages): values inserted as they are.
        case text
    }

    /// The rendered text plus a version with secret values replaced by `***` for display and the journal.
    public struct Rendered: Sendable, Hashable {
        public var text: String
        public var redacted: String
        /// Secret values that ended up in `text` (so output can be scrubbed of them).
        public var secrets: [String]
        public init(text: String, redacted: String, secrets: [String] = []) {
            self.text = text
            self.redacted = redacted
            self.secrets = secrets
        }
    }

    public init() {}

    /// Renders `template` in `context` for `mode`.
    /// - Throws: `Diagnostic` positioned at the failing expression (unknown reference, wrong type).
    public func render(_ template: Template, in context: EvaluationContext, mode: Mode) throws(Diagnostic) -> Rendered {
        // Implemented in the expressions work; this placeholder keeps the contract compiling.
        var text = ""
        for segment in template.segments {
            if case .literal(let s) = segment { text += s }
        }
        return Rendered(text: text, redacted: text)
    }
}
