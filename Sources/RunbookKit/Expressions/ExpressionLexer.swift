/// A token of a `${{ … }}` expression, with its offset (in Unicode scalars) inside the expression text.
struct ExpressionToken: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        case identifier(String)
        case integer(Int)
        case string(String)
        /// Operators and punctuation: `. [ ] ( ) , ! ? : == != < <= > >= && ||`.
        case symbol(String)
        case end
    }
    var kind: Kind
    var offset: Int

    /// How the token is shown in "expected … found …" messages.
    var display: String {
        switch kind {
        case .identifier(let s): "'\(s)'"
        case .integer(let i): "'\(i)'"
        case .string(let s): "the string '\(s)'"
        case .symbol(let s): "'\(s)'"
        case .end: "the end of the expression"
        }
    }
}

/// A syntax problem inside an expression, at an offset (in Unicode scalars) into its text.
struct ExpressionSyntaxError: Error, Sendable, Hashable {
    var message: String
    var offset: Int
    var hint: String?
}

/// Splits expression text into tokens.
///
/// Identifiers may hold `-` (step ids such as `steps.back-up.status` do) and may start with a
/// digit right after a `.`; there is no minus operator for them to clash with.
struct ExpressionLexer {
    private let scalars: [Unicode.Scalar]
    private var index = 0

    init(_ text: String) { scalars = Array(text.unicodeScalars) }

    /// All tokens, ending with `.end`.
    static func tokens(_ text: String) throws(ExpressionSyntaxError) -> [ExpressionToken] {
        var lexer = ExpressionLexer(text)
        var out: [ExpressionToken] = []
        while true {
            let token = try lexer.next(afterDot: out.last?.kind == .symbol("."))
            out.append(token)
            if token.kind == .end { return out }
        }
    }

    private mutating func next(afterDot: Bool) throws(ExpressionSyntaxError) -> ExpressionToken {
        while index < scalars.count, scalars[index].properties.isWhitespace { index += 1 }
        let start = index
        guard index < scalars.count else { return ExpressionToken(kind: .end, offset: start) }
        let c = scalars[index]
        if Self.isIdentifierStart(c) || (afterDot && Self.isDigit(c)) {
            while index < scalars.count, Self.isIdentifierPart(scalars[index]) { index += 1 }
            return ExpressionToken(kind: .identifier(String(String.UnicodeScalarView(scalars[start..<index]))), offset: start)
        }
        if Self.isDigit(c) || (c == "-" && index + 1 < scalars.count && Self.isDigit(scalars[index + 1])) {
            index += 1
            while index < scalars.count, Self.isDigit(scalars[index]) { index += 1 }
            let text = String(String.UnicodeScalarView(scalars[start..<index]))
            guard let value = Int(text) else {
                throw ExpressionSyntaxError(message: "the number \(text) is too large", offset: start)
            }
            return ExpressionToken(kind: .integer(value), offset: start)
        }
        if c == "'" || c == "\"" { return try string(quote: c) }
        for symbol in ["==", "!=", "<=", ">=", "&&", "||"] where matches(symbol) {
            index += 2
            return ExpressionToken(kind: .symbol(symbol), offset: start)
        }
        if "![](),.?:<>".unicodeScalars.contains(c) {
            index += 1
            return ExpressionToken(kind: .symbol(String(c)), offset: start)
        }
        var hint: String? = nil
        if c == "=" { hint = "compare with '=='" }
        if c == "&" { hint = "write '&&' for 'and'" }
        if c == "|" { hint = "write '||' for 'or'" }
        throw ExpressionSyntaxError(message: "unexpected character '\(c)' in expression", offset: start, hint: hint)
    }

    /// A quoted string; `\` escapes the quote, a backslash, `n` and `t` (single quotes: `''` is a quote, as in YAML).
    private mutating func string(quote: Unicode.Scalar) throws(ExpressionSyntaxError) -> ExpressionToken {
        let start = index
        index += 1
        var value = String.UnicodeScalarView()
        while index < scalars.count {
            let c = scalars[index]
            index += 1
            if c == quote {
                if quote == "'", index < scalars.count, scalars[index] == "'" {
                    value.append("'")
                    index += 1
                    continue
                }
                return ExpressionToken(kind: .string(String(value)), offset: start)
            }
            if c == "\\", quote == "\"", index < scalars.count {
                let e = scalars[index]
                index += 1
                switch e {
                case "n": value.append("\n")
                case "t": value.append("\t")
                default: value.append(e)
                }
                continue
            }
            value.append(c)
        }
        throw ExpressionSyntaxError(message: "unterminated string in expression", offset: start, hint: "close it with \(quote)")
    }

    private func matches(_ symbol: String) -> Bool {
        let s = Array(symbol.unicodeScalars)
        return index + 1 < scalars.count && scalars[index] == s[0] && scalars[index + 1] == s[1]
    }

    private static func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
    private static func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
        (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_"
    }
    private static func isIdentifierPart(_ c: Unicode.Scalar) -> Bool {
        isIdentifierStart(c) || isDigit(c) || c == "-"
    }
}
