/// Splits text into literal parts and `${{ … }}` expressions, parsing each expression.
///
/// Positions: by default the text is taken to be written verbatim from `location` on (true for
/// plain scalars on one line). When the caller knows where each `${{` really is in the file
/// (quoted and block scalars, where escapes and indentation shift columns), it passes
/// `openings`; they are used when their count matches the expressions found.
public enum TemplateParser {
    /// Parses `text` whose first character is at `location`.
    /// - Returns: the template (expressions that failed to parse are left out) and every problem found.
    public static func parse(_ text: String, at location: SourceLocation) -> (Template, [Diagnostic]) {
        parse(text, at: location, openings: [])
    }

    /// Parses `text`, placing the k-th `${{` at `openings[k]` when the counts agree.
    public static func parse(_ text: String, at location: SourceLocation, openings: [SourceLocation]) -> (Template, [Diagnostic]) {
        let scalars = Array(text.unicodeScalars)
        var segments: [Template.Segment] = []
        var diagnostics: [Diagnostic] = []
        var literal = String.UnicodeScalarView()
        var spans: [(open: Int, close: Int?)] = []
        var i = 0
        while i < scalars.count {
            if opens(scalars, at: i) {
                let close = closingIndex(scalars, from: i + 3)
                spans.append((i, close))
                guard let close else { break }
                i = close + 2
            } else {
                i += 1
            }
        }
        let useOpenings = openings.count == spans.count
        func place(_ k: Int, offset: Int) -> SourceLocation {
            let base = useOpenings ? openings[k] : advance(location, over: scalars[0..<spans[k].open])
            return advance(base, over: scalars[spans[k].open..<min(scalars.count, spans[k].open + offset)])
        }
        var cursor = 0
        for (k, span) in spans.enumerated() {
            literal.append(contentsOf: scalars[cursor..<span.open])
            guard let close = span.close else {
                diagnostics.append(.error(
                    "unterminated '${{': expected '}}' to close the expression", at: place(k, offset: 0),
                    hint: "close the expression with '}}'"))
                cursor = scalars.count
                break
            }
            if !literal.isEmpty {
                segments.append(.literal(String(literal)))
                literal = String.UnicodeScalarView()
            }
            let inner = String(String.UnicodeScalarView(scalars[(span.open + 3)..<close]))
            do {
                let expression = try ExpressionParser.parse(inner)
                segments.append(.expression(
                    expression, source: inner.trimmingWhitespace, location: place(k, offset: 0)))
            } catch {
                diagnostics.append(.error(error.message, at: place(k, offset: 3 + error.offset), hint: error.hint))
            }
            cursor = close + 2
        }
        if cursor < scalars.count { literal.append(contentsOf: scalars[cursor...]) }
        if !literal.isEmpty { segments.append(.literal(String(literal))) }
        return (Template(raw: text, segments: segments, location: location), diagnostics)
    }

    /// Parses a bare expression (a `when:` written without `${{ }}`) whose first character is at `location`.
    public static func parseExpression(_ text: String, at location: SourceLocation) -> (Expression?, [Diagnostic]) {
        do {
            return (try ExpressionParser.parse(text), [])
        } catch {
            let scalars = Array(text.unicodeScalars)
            let at = advance(location, over: scalars[0..<min(error.offset, scalars.count)])
            return (nil, [.error(error.message, at: at, hint: error.hint)])
        }
    }

    private static func opens(_ s: [Unicode.Scalar], at i: Int) -> Bool {
        i + 2 < s.count && s[i] == "$" && s[i + 1] == "{" && s[i + 2] == "{"
    }

    /// The index of the `}}` that closes an expression, skipping quoted strings inside it.
    private static func closingIndex(_ s: [Unicode.Scalar], from start: Int) -> Int? {
        var i = start
        var quote: Unicode.Scalar? = nil
        while i < s.count {
            let c = s[i]
            if let q = quote {
                if c == "\\", q == "\"" { i += 2; continue }
                if c == q { quote = nil }
            } else if c == "'" || c == "\"" {
                quote = c
            } else if c == "}", i + 1 < s.count, s[i + 1] == "}" {
                return i
            }
            i += 1
        }
        // An unclosed quote may hide the braces; fall back to the first `}}` so the error is about the quote.
        if quote != nil {
            i = start
            while i + 1 < s.count {
                if s[i] == "}", s[i + 1] == "}" { return i }
                i += 1
            }
        }
        return nil
    }

    private static func advance(_ location: SourceLocation, over scalars: ArraySlice<Unicode.Scalar>) -> SourceLocation {
        var l = location
        for c in scalars {
            if c == "\n" {
                l.line += 1
                l.column = 1
            } else {
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
