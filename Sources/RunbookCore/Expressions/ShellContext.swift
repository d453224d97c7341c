import RunbookYAML

/// Where a `${{ … }}` lands in a command, as `/bin/sh` reads the author's text around it.
///
/// The renderer escapes a value for its context; a context no escaping can make safe is a
/// `ShellRefusal`, reported by `validate` (and thrown by the renderer, so `plan` and `run` can
/// never render it either). The table in docs/runbook-format.md lists every case.
public enum ShellContext: Sendable, Hashable {
    /// Outside quotes (also inside `$(…)`, `( … )`, `{ …; }`): the value becomes single-quoted words.
    /// `wholeWord`: no author text touches it, so an empty value adds no word and a list adds one word
    /// per item. `forceQuotes`: the word it is part of could still be expanded by the shell (a `~` or `{`
    /// before it), so even a plain value is quoted.
    case unquoted(wholeWord: Bool, forceQuotes: Bool)
    /// Inside `"…"`: the double quotes are closed, the value is written single-quoted, and they reopen.
    case doubleQuoted
    /// The whole of a `'…'` string (`'${{ x }}'`): each `'` of the value is written `'\''`.
    case singleQuotedWhole
    /// A place no escaping can make safe: `validate` refuses the runbook.
    case refused(ShellRefusal)
}

/// Why a `${{ … }}` cannot be placed where it is written in a command.
public enum ShellRefusal: Sendable, Hashable {
    case singleQuoted
    case backticks
    case ansiCQuoted
    case parameterExpansion
    case arithmetic
    case hereDocument
    case hereDocumentDelimiter
    case comment
    case afterBackslash
    case afterDollar
    case afterCaseInSubstitution
    case afterUnclearQuoting

    /// The error message, naming the place.
    public var message: String {
        switch self {
        case .singleQuoted:
            "an expression inside single quotes ('…') cannot be made safe: the value would become part of the quoted text, which a program such as awk, sed or sh -c reads as code"
        case .backticks: "an expression inside backticks (`…`) cannot be quoted the same way by every shell"
        case .ansiCQuoted: "an expression inside $'…' cannot be made safe: /bin/sh shells read $'…' differently"
        case .parameterExpansion: "an expression inside ${…} cannot be quoted the same way by every shell"
        case .arithmetic: "an expression inside $((…)) would be read as arithmetic code, not as data"
        case .hereDocument:
            "an expression inside a here-document cannot be made safe: the value would become part of its text, and a line of the value could end it"
        case .hereDocumentDelimiter: "an expression cannot be the delimiter of a here-document"
        case .comment: "an expression inside a shell comment is not safe: a line break in the value would end the comment"
        case .afterBackslash: "an expression right after a backslash cannot be made safe: the backslash would escape the value's first character"
        case .afterDollar: "an expression right after '$' cannot be made safe: '$' would join the value ($'…' is a quoting form in bash)"
        case .afterCaseInSubstitution:
            "an expression after a 'case' inside $(…) is refused: the closing ')' of a case pattern makes the quoting of what follows uncertain"
        case .afterUnclearQuoting:
            "an expression after quoting that shells read differently (a backslash inside $'…', a ' inside \"${…}\") is refused"
        }
    }

    /// How to write it instead.
    public var hint: String {
        switch self {
        case .singleQuoted:
            "write the expression outside quotes: runbook quotes values itself; for an awk or sed program pass the value as -v var=${{ … }} or an environment variable (X=${{ … }} sh -c '… \"$X\" …')"
        case .backticks: "use $(…) instead of backticks; runbook quotes the value itself"
        case .ansiCQuoted, .afterBackslash, .afterDollar:
            "write the expression on its own, outside quotes: runbook quotes values itself"
        case .parameterExpansion, .arithmetic:
            "set a variable first (X=${{ … }}; …) and use \"$X\" in the expansion"
        case .hereDocument:
            "pass the value as an environment variable (X=${{ … }} cmd <<'EOF' … EOF, and \"$X\" in the text the command reads) or write the file with a 'write' step"
        case .hereDocumentDelimiter: "write a fixed delimiter, such as <<'EOF'"
        case .comment: "remove the expression from the comment"
        case .afterCaseInSubstitution: "move the case statement out of $(…), or the expression before it"
        case .afterUnclearQuoting: "use plain '…' or \"…\" quoting before the expression"
        }
    }

    /// The diagnostic for an expression at `location`.
    public func diagnostic(at location: SourceLocation) -> Diagnostic {
        .error(message, at: location, hint: hint)
    }
}

extension Template {
    /// The shell context of each expression, in order, when the template is a command.
    public var shellContexts: [ShellContext] {
        var scanner = ShellScanner()
        for segment in segments {
            switch segment {
            case .literal(let s): scanner.feed(Array(s.utf8))
            case .expression: scanner.expression()
            }
        }
        return scanner.finish()
    }

    /// One diagnostic per expression placed where no escaping makes it safe (empty when all are fine).
    public var shellRefusals: [Diagnostic] {
        zip(expressions, shellContexts).compactMap { pair in
            if case .refused(let why) = pair.1 { return why.diagnostic(at: pair.0.1) }
            return nil
        }
    }
}
