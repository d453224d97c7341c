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
        // The same contexts `validate` checked, so a runbook that validates renders the same in plan and run.
        let shellContexts = mode == .shell ? template.shellContexts : []
        var k = 0
        for segment in template.segments {
            switch segment {
            case .literal(let s):
                out.text += s
                out.redacted += s
            case .expression(let expression, let source, let location):
                var placement = Placement.plain(mode)
                if mode == .shell, k < shellContexts.count {
                    if case .refused(let why) = shellContexts[k] { throw why.diagnostic(at: location) }
                    placement = .shell(shellContexts[k])
                }
                k += 1
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
                    if value.containsNUL {
                        throw .error("the value of '\(source)' contains a NUL byte, which no command, file or terminal can take",
                                     at: location, hint: "remove the NUL byte from the value")
                    }
                    let text = try Self.escape(value, authored: result.authored, placement: placement, at: location)
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

    /// How one value is escaped: a non-shell mode, or a shell context.
    enum Placement {
        case plain(Mode)
        case shell(ShellContext)
    }

    /// One value escaped for where it lands.
    static func escape(_ value: Value, authored: Bool, placement: Placement, at location: SourceLocation) throws(Diagnostic) -> String {
        if case .map = value {
            throw .error("a map cannot be inserted into text; pick one entry, e.g. x['key']", at: location)
        }
        switch placement {
        case .plain(.text):
            return value.description
        case .plain(.shell):
            return shellWords(value, authored: authored)
        case .plain(.regex):
            return NSRegularExpression.escapedPattern(for: value.description)
        case .plain(.replacement):
            return NSRegularExpression.escapedTemplate(for: value.description)
        case .shell(.unquoted(let whole, let force)):
            return shellWords(value, authored: authored, whole: whole, force: force)
        case .shell(.doubleQuoted):
            // Close the author's "…", write the value single-quoted, reopen: a plain word needs none of it.
            let text = value.description
            if text.isEmpty || ShellQuote.isSafeWord(text) { return text }
            return "\"" + ShellQuote.quoted(text) + "\""
        case .shell(.singleQuotedWhole):
            return ShellQuote.insideSingleQuotes(value.description)
        case .shell(.refused(let why)):
            throw why.diagnostic(at: location)
        }
    }

    /// The shell form of an unquoted value: one quoted word per value (per item for a list). As a whole word
    /// the empty string is no word at all, so optional flags work; inside a larger word it is `''`. A safe-word
    /// string literal written by the author stays as written.
    static func shellWords(_ value: Value, authored: Bool, whole: Bool = true, force: Bool = false) -> String {
        switch value {
        case .null, .string(""):
            return whole ? "" : "''"
        case .string(let s):
            if force { return ShellQuote.quoted(s) }
            if authored, ShellQuote.isSafeWord(s) { return s }
            return ShellQuote.word(s)
        case .list(let items):
            let words = items.map { shellWords($0, authored: false, whole: true, force: force) }.filter { !$0.isEmpty }
            if words.isEmpty, !whole { return "''" }
            return words.joined(separator: " ")
        default:
            return force ? ShellQuote.quoted(value.description) : ShellQuote.word(value.description)
        }
    }

    private static func secretStrings(_ value: Value) -> [String] {
        switch value {
        case .list(let items): items.flatMap(secretStrings)
        default: value.description.isEmpty ? [] : [value.description]
        }
    }
}
