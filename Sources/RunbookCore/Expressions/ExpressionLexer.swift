import RunbookYAML

/// A token of a `${{ … }}` expression, with its UTF-8 byte offset inside the expression text.
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
        case .identifier(let s): "'\(s.clipped)'"
        case .integer(let i): "'\(i)'"
        case .string(let s): "the string '\(s.clipped)'"
        case .symbol(let s): "'\(s)'"
        case .end: "the end of the expression"
        }
    }
}

/// A syntax problem inside an expression, at a UTF-8 byte offset into its text.
struct ExpressionSyntaxError: Error, Sendable, Hashable {
    var message: String
    var offset: Int
    var hint: String?
}

/// Splits expression text into tokens.
///
/// Identifiers may hold `-` (step ids such as `steps.back-up.status` do) and may start with a
/// digit right after a `.`; there is no minus operator for them to clash with. Works on UTF-8
/// bytes: everything but string contents is ASCII.
struct ExpressionLexer {
    private let bytes: [UInt8]
    private var index = 0

    init(_ text: String) { bytes = Array(text.utf8) }

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
        while index < bytes.count, Self.isSpace(bytes[index]) { index += 1 }
        let start = index
        guard index < bytes.count else { return ExpressionToken(kind: .end, offset: start) }
        let c = bytes[index]
        if Self.isIdentifierStart(c) || (afterDot && Self.isDigit(c)) {
            while index < bytes.count, Self.isIdentifierPart(bytes[index]) { index += 1 }
            return ExpressionToken(kind: .identifier(text(start..<index)), offset: start)
        }
        if Self.isDigit(c) || (c == UInt8(ascii: "-") && index + 1 < bytes.count && Self.isDigit(bytes[index + 1])) {
            index += 1
            while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
            let digits = text(start..<index)
            guard let value = Int(digits) else {
                throw ExpressionSyntaxError(message: "the number \(digits) is too large", offset: start)
            }
            return ExpressionToken(kind: .integer(value), offset: start)
        }
        if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") { return try string(quote: c) }
        if index + 1 < bytes.count {
            let pair = text(index..<(index + 2))
            if ["==", "!=", "<=", ">=", "&&", "||"].contains(pair) {
                index += 2
                return ExpressionToken(kind: .symbol(pair), offset: start)
            }
        }
        if Array("![](),.?:<>".utf8).contains(c) {
            index += 1
            return ExpressionToken(kind: .symbol(String(UnicodeScalar(c))), offset: start)
        }
        var hint: String? = nil
        if c == UInt8(ascii: "=") { hint = "compare with '=='" }
        if c == UInt8(ascii: "&") { hint = "write '&&' for 'and'" }
        if c == UInt8(ascii: "|") { hint = "write '||' for 'or'" }
        var end = index + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        throw ExpressionSyntaxError(message: "unexpected character '\(text(index..<end))' in expression", offset: start, hint: hint)
    }

    /// A quoted string; `\\` escapes the quote, a backslash, `n` and `t` in double quotes; in single quotes `''` is a quote, as in YAML.
    private mutating func string(quote: UInt8) throws(ExpressionSyntaxError) -> ExpressionToken {
        let start = index
        index += 1
        var value: [UInt8] = []
        while index < bytes.count {
            let c = bytes[index]
            index += 1
            if c == quote {
                if quote == UInt8(ascii: "'"), index < bytes.count, bytes[index] == quote {
                    value.append(quote)
                    index += 1
                    continue
                }
                return ExpressionToken(kind: .string(String(decoding: value, as: UTF8.self)), offset: start)
            }
            if c == UInt8(ascii: "\\"), quote == UInt8(ascii: "\""), index < bytes.count {
                let e = bytes[index]
                index += 1
                switch e {
                case UInt8(ascii: "n"): value.append(0x0A)
                case UInt8(ascii: "t"): value.append(0x09)
                default: value.append(e)
                }
                continue
            }
            value.append(c)
        }
        throw ExpressionSyntaxError(
            message: "unterminated string in expression", offset: start, hint: "close it with \(String(UnicodeScalar(quote)))")
    }

    private func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }

    private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }
    private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    private static func isIdentifierStart(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || c == 0x5F
    }
    private static func isIdentifierPart(_ c: UInt8) -> Bool {
        isIdentifierStart(c) || isDigit(c) || c == 0x2D
    }
}
