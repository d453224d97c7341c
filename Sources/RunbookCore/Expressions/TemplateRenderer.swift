import Foundation
import RunbookYAML

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
        /// The replacement of a regex substitution: values have `$` and backslashes escaped, so a value
        /// is inserted literally and never acts as a back-reference.
        case replacement
    }

    /// The rendered text plus a version with secret values replaced by `***` for display and the journal.
    public struct Rendered: Sendable, Hashable {
        public var text: String
        public var redacted: String
        /// Secret values that ended up in `text` (so output can be scrubbed of them).
        public var secrets: [String]
        /// True when a value is only known at run time (a capture of an earlier step) and `text` holds
        /// its `<steps.ID.outputs.NAME>` placeholder instead: a dry-run must not present such text as final.
        public var hasRunTimeValues: Bool
        public init(text: String, redacted: String, secrets: [String] = [], hasRunTimeValues: Bool = false) {
            self.text = text
            self.redacted = redacted
            self.secrets = secrets
            self.hasRunTimeValues = hasRunTimeValues
        }
    }

    public init() {}

    /// Renders `template` in `context` for `mode`.
    /// - Throws: `Diagnostic` positioned at the failing expression (unknown reference, wrong type).
    public func render(_ template: Template, in context: EvaluationContext, mode: Mode) throws(Diagnostic) -> Rendered {
        let evaluator = ExpressionEvaluator(context: context)
        var out = Rendered(text: "", redacted: "")
        for segment in template.segments {
            switch segment {
            case .literal(let s):
                out.text += s
                out.redacted += s
            case .expression(let expression, let source, let location):
                let result = try evaluator.evaluateDetailed(expression, at: location)
                switch result.content {
                case .unknown(let reference):
                    // A bare reference shows as itself; a larger expression shows whole, so a dry-run never
                    // presents `!contains(<x>, …)` as if it were just `<x>`.
                    var written = source.trimmingCharacters(in: .whitespaces)
                    if written.hasPrefix("${{"), written.hasSuffix("}}") {
                        written = String(written.dropFirst(3).dropLast(2)).trimmingCharacters(in: .whitespaces)
                    }
                    let placeholder = "<\(written)>" == reference || written.isEmpty ? reference : "<\(written)>"
                    out.text += placeholder
                    out.redacted += placeholder
                    out.hasRunTimeValues = true
                case .known(let value):
                    let text = try Self.escape(value, authored: result.authored, mode: mode, at: location)
                    out.text += text
                    if result.secret, !text.isEmpty {
                        out.redacted += "***"
                        out.secrets.append(contentsOf: Self.secretStrings(value))
                    } else {
                        out.redacted += text
                    }
                }
            }
        }
        return out
    }

    /// One value escaped for `mode`.
    static func escape(_ value: Value, authored: Bool, mode: Mode, at location: SourceLocation) throws(Diagnostic) -> String {
        if case .map = value {
            throw .error("a map cannot be inserted into text; pick one entry, e.g. x['key']", at: location)
        }
        switch mode {
        case .text:
            return value.description
        case .regex:
            return NSRegularExpression.escapedPattern(for: value.description)
        case .replacement:
            return NSRegularExpression.escapedTemplate(for: value.description)
        case .shell:
            return shellWords(value, authored: authored)
        }
    }

    /// The shell form: one quoted word per value (per item for a list); the empty string is no word at all,
    /// and a safe-word string literal written by the author stays as written.
    static func shellWords(_ value: Value, authored: Bool) -> String {
        switch value {
        case .null: return ""
        case .string(let s):
            if s.isEmpty { return "" }
            if authored, ShellQuote.isSafeWord(s) { return s }
            return ShellQuote.word(s)
        case .list(let items):
            return items.map { shellWords($0, authored: false) }.filter { !$0.isEmpty }.joined(separator: " ")
        default:
            return ShellQuote.word(value.description)
        }
    }

    private static func secretStrings(_ value: Value) -> [String] {
        switch value {
        case .list(let items): items.flatMap(secretStrings)
        default: value.description.isEmpty ? [] : [value.description]
        }
    }
}
