import RunbookYAML

/// Splits text into literal parts and `${{ … }}` expressions, parsing each expression.
///
/// Positions: by default the text is taken to be written verbatim from `location` on (true for
/// plain scalars on one line). When the caller knows where each `${{` really is in the file
/// (quoted and block scalars, where escapes and indentation shift columns), it passes
/// `openings`; they are used when their count matches the expressions found.
///
/// Scanning works on UTF-8 bytes (the delimiters are ASCII); columns are counted in Unicode
/// scalars only when a position is needed.
public enum TemplateParser {
    /// Parses `text` whose first character is at `location`.
    /// - Returns: the template (expressions that failed to parse are left out) and every problem found.
    public static func parse(_ text: String, at location: SourceLocation) -> (Template, [Diagnostic]) {
        parse(text, at: location, openings: [])
    }

    /// Parses `text`, placing the k-th `${{` at `openings[k]` when the counts agree.
    public static func parse(_ text: String, at location: SourceLocation, openings: [SourceLocation]) -> (Template, [Diagnostic]) {
        let bytes = Array(text.utf8)
        var spans: [(open: Int, close: Int?)] = []
        var i = 0
        while i + 2 < bytes.count {
            if bytes[i] == UInt8(ascii: "$"), bytes[i + 1] == UInt8(ascii: "{"), bytes[i + 2] == UInt8(ascii: "{") {
                let close = closingIndex(bytes, from: i + 3)
                spans.append((i, close))
                guard let close else { break }
                i = close + 2
            } else {
                i += 1
            }
        }
        guard !spans.isEmpty else { return (.literal(text, at: location), []) }
        let useOpenings = openings.count == spans.count
        func place(_ k: Int, byteOffset: Int) -> SourceLocation {
            let base = useOpenings ? openings[k] : advance(location, over: bytes[0..<spans[k].open])
            return advance(base, over: bytes[spans[k].open..<min(bytes.count, spans[k].open + byteOffset)])
        }
        var segments: [Template.Segment] = []
        var diagnostics: [Diagnostic] = []
        var literalStart = 0
        for (k, span) in spans.enumerated() {
            guard let close = span.close else {
                diagnostics.append(.error(
                    "unterminated '${{': expected '}}' to close the expression", at: place(k, byteOffset: 0),
                    hint: "close the expression with '}}'"))
                break
            }
            if span.open > literalStart { segments.append(.literal(string(bytes[literalStart..<span.open]))) }
            let innerBytes = bytes[(span.open + 3)..<close]
            let inner = string(innerBytes)
            do {
                let expression = try ExpressionParser.parse(inner)
                segments.append(.expression(expression, source: inner.trimmingWhitespace, location: place(k, byteOffset: 0)))
            } catch {
                diagnostics.append(.error(error.message, at: place(k, byteOffset: 3 + error.offset), hint: error.hint))
            }
            literalStart = close + 2
        }
        if diagnostics.isEmpty, literalStart < bytes.count { segments.append(.literal(string(bytes[literalStart...]))) }
        return (Template(raw: text, segments: segments, location: location), diagnostics)
    }

    /// Parses a bare expression (a `when:` written without `${{ }}`) whose first character is at `location`.
    public static func parseExpression(_ text: String, at location: SourceLocation) -> (Expression?, [Diagnostic]) {
        do {
            return (try ExpressionParser.parse(text), [])
        } catch {
            let bytes = Array(text.utf8)
            let at = advance(location, over: bytes[0..<min(error.offset, bytes.count)])
            return (nil, [.error(error.message, at: at, hint: error.hint)])
        }
    }

    private static func string(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }

    /// The index of the `}}` that closes an expression, skipping quoted strings inside it.
    private static func closingIndex(_ s: [UInt8], from start: Int) -> Int? {
        var i = start
        var quote: UInt8? = nil
        while i < s.count {
            let c = s[i]
            if let q = quote {
                if c == UInt8(ascii: "\\"), q == UInt8(ascii: "\"") { i += 2; continue }
                if c == q { quote = nil }
            } else if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") {
                quote = c
            } else if c == UInt8(ascii: "}"), i + 1 < s.count, s[i + 1] == UInt8(ascii: "}") {
                return i
            }
            i += 1
        }
        // An unclosed quote may hide the braces; fall back to the first `}}` so the error is about the quote.
        if quote != nil {
            i = start
            while i + 1 < s.count {
                if s[i] == UInt8(ascii: "}"), s[i + 1] == UInt8(ascii: "}") { return i }
                i += 1
            }
        }
        return nil
    }

    private static func advance(_ location: SourceLocation, over bytes: ArraySlice<UInt8>) -> SourceLocation {
        var l = location
        for b in bytes {
            if b == 0x0A {
                l.line += 1
                l.column = 1
            } else if b & 0xC0 != 0x80 {
                l.column += 1
            }
        }
        return l
    }
}

extension String {
    /// The string without leading and trailing whitespace (Foundation-free).
    var trimmingWhitespace: String {
        let s = unicodeScalars
        guard let first = s.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = s.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(s[first...last])
    }
}
