/// A small lexer for the POSIX `sh` grammar that dash and bash agree on, run over the literal parts
/// of a command template to learn the `ShellContext` of each `${{ … }}` between them.
///
/// It follows quotes (`'…'`, `"…"`, `$'…'`), backslashes, `$(…)` (nested), backticks, `${…}`,
/// `$((…))`, comments and here-documents, and where words begin and end. It does not need the
/// rest of the grammar: values are always inserted as quoted text, so all that matters is which
/// quoting is open where the value goes. Where its reading could differ from the shell's (a `case`
/// inside `$(…)`, quoting the two shells read differently) later expressions are refused, never guessed.
struct ShellScanner {
    private enum Frame {
        /// Shell code: the top level or the inside of `$(…)`; `parens` counts open `(` inside a substitution.
        case code(substitution: Bool, parens: Int)
        case double
        case single
        case ansiC
        case backtick
        case parameter
        case arithmetic(parens: Int)
        case comment
    }

    /// A here-document whose body starts after the next line break.
    private struct HereDocument {
        var delimiter: [UInt8] = []
        var quoted = false
        var stripTabs = false
    }

    private var stack: [Frame] = [.code(substitution: false, parens: 0)]
    private var contexts: [ShellContext] = []

    // Word state of the innermost code frame.
    private var inWord = false
    private var wordExpands = false
    private var word: [UInt8] = []
    /// An unquoted expression that began a word; it is whole unless the next byte continues the word.
    private var pendingWhole: Int?
    /// An expression that opened a `'…'`; it is the whole string only if the next byte closes it.
    private var pendingSingle: Int?
    private var singleJustOpened = false

    private var escaped = false
    private var dollarAtEnd = false
    private var uncertain: ShellRefusal?

    private var readingDelimiter: HereDocument?
    private var delimiterStarted = false
    private var delimiterQuote: UInt8?
    private var hereDocuments: [HereDocument] = []
    private var inBody = false
    private var bodyLine: [UInt8] = []
    private var bodyLineHasExpression = false

    /// Scans literal author text.
    mutating func feed(_ bytes: [UInt8]) {
        dollarAtEnd = false
        var i = 0
        while i < bytes.count {
            i += step(bytes, i)
        }
    }

    /// Records the context of an expression at the current position.
    mutating func expression() {
        let context = placeExpression()
        if case .refused = context, let k = pendingSingle {
            contexts[k] = .refused(.singleQuoted)
            pendingSingle = nil
        }
        contexts.append(context)
        dollarAtEnd = false
        escaped = false
    }

    /// The contexts of all expressions seen.
    mutating func finish() -> [ShellContext] {
        if let k = pendingSingle { contexts[k] = .refused(.singleQuoted) }
        pendingSingle = nil
        pendingWhole = nil
        return contexts
    }

    private mutating func placeExpression() -> ShellContext {
        if let uncertain { return .refused(uncertain) }
        if inBody {
            bodyLineHasExpression = true
            return .refused(.hereDocument)
        }
        if readingDelimiter != nil { return .refused(.hereDocumentDelimiter) }
        if escaped { return .refused(.afterBackslash) }
        if dollarAtEnd { return .refused(.afterDollar) }
        for frame in stack.reversed() {
            switch frame {
            case .backtick: return .refused(.backticks)
            case .parameter: return .refused(.parameterExpansion)
            case .arithmetic: return .refused(.arithmetic)
            case .comment: return .refused(.comment)
            case .ansiC: return .refused(.ansiCQuoted)
            default: continue
            }
        }
        switch stack.last {
        case .single:
            guard singleJustOpened, pendingSingle == nil else { return .refused(.singleQuoted) }
            singleJustOpened = false
            pendingSingle = contexts.count
            return .singleQuotedWhole
        case .double:
            return .doubleQuoted
        default:
            if let k = pendingWhole {
                contexts[k] = .unquoted(wholeWord: false, forceQuotes: forceQuotes(k))
                pendingWhole = nil
            }
            let whole = !inWord
            if whole { pendingWhole = contexts.count }
            inWord = true
            return .unquoted(wholeWord: whole, forceQuotes: wordExpands)
        }
    }

    private func forceQuotes(_ k: Int) -> Bool {
        if case .unquoted(_, let force) = contexts[k] { return force }
        return false
    }

    /// Handles the byte at `i` (peeking ahead within `b`); returns how many bytes it used.
    private mutating func step(_ b: [UInt8], _ i: Int) -> Int {
        let c = b[i]
        if inBody { bodyByte(c); return 1 }
        if readingDelimiter != nil, delimiterByte(c) { return 1 }
        if let k = pendingSingle {
            if c != UInt8(ascii: "'") { contexts[k] = .refused(.singleQuoted) }
            pendingSingle = nil
        }
        if case .single = stack.last {
            singleJustOpened = false
            if c == UInt8(ascii: "'") { pop() }
            return 1
        }
        if escaped {
            escaped = false
            if case .code = stack.last, c != UInt8(ascii: "\n") { continueWord(c) }
            return 1
        }
        switch stack.last {
        case .code(let substitution, let parens): return codeByte(b, i, substitution: substitution, parens: parens)
        case .double: return doubleByte(b, i)
        case .ansiC:
            if c == UInt8(ascii: "\\") {
                uncertain = uncertain ?? .afterUnclearQuoting
                escaped = true
            } else if c == UInt8(ascii: "'") {
                pop()
            }
            return 1
        case .backtick:
            if c == UInt8(ascii: "\\") { escaped = true } else if c == UInt8(ascii: "`") { pop() }
            return 1
        case .parameter: return parameterByte(b, i)
        case .arithmetic(let parens):
            if c == UInt8(ascii: "(") {
                replaceTop(.arithmetic(parens: parens + 1))
            } else if c == UInt8(ascii: ")") {
                if parens > 0 {
                    replaceTop(.arithmetic(parens: parens - 1))
                } else {
                    pop()
                    return i + 1 < b.count && b[i + 1] == UInt8(ascii: ")") ? 2 : 1
                }
            } else {
                return dollarByte(b, i) ?? 1
            }
            return 1
        case .comment:
            if c == UInt8(ascii: "\n") {
                pop()
                return 0
            }
            return 1
        case .single, nil:
            return 1
        }
    }

    private mutating func codeByte(_ b: [UInt8], _ i: Int, substitution: Bool, parens: Int) -> Int {
        let c = b[i]
        if let k = pendingWhole {
            if c == UInt8(ascii: "<") || c == UInt8(ascii: ">") {
                // `2>file`: a bare number before a redirection would become its file descriptor.
                contexts[k] = .unquoted(wholeWord: true, forceQuotes: true)
            } else if !Self.isTerminator(c) {
                contexts[k] = .unquoted(wholeWord: false, forceQuotes: forceQuotes(k))
            }
            pendingWhole = nil
        }
        switch c {
        case UInt8(ascii: "\\"):
            escaped = true
            return 1
        case UInt8(ascii: "'"):
            continueWord(nil)
            push(.single)
            singleJustOpened = true
            return 1
        case UInt8(ascii: "\""):
            continueWord(nil)
            push(.double)
            return 1
        case UInt8(ascii: "`"):
            continueWord(nil)
            push(.backtick)
            return 1
        case UInt8(ascii: "$"):
            continueWord(nil)
            return dollarByte(b, i) ?? 1
        case UInt8(ascii: "#") where !inWord:
            push(.comment)
            return 1
        case UInt8(ascii: "<") where i + 1 < b.count && b[i + 1] == UInt8(ascii: "<"):
            endWord()
            if i + 2 < b.count, b[i + 2] == UInt8(ascii: "<") { return 3 }
            var doc = HereDocument()
            var used = 2
            if i + 2 < b.count, b[i + 2] == UInt8(ascii: "-") {
                doc.stripTabs = true
                used = 3
            }
            readingDelimiter = doc
            delimiterStarted = false
            delimiterQuote = nil
            return used
        case UInt8(ascii: "("):
            endWord()
            if substitution { replaceTop(.code(substitution: true, parens: parens + 1)) }
            return 1
        case UInt8(ascii: ")"):
            endWord()
            if substitution {
                if parens == 0 { pop() } else { replaceTop(.code(substitution: true, parens: parens - 1)) }
            }
            return 1
        case UInt8(ascii: "\n"):
            endWord()
            if !hereDocuments.isEmpty {
                inBody = true
                bodyLine = []
                bodyLineHasExpression = false
            }
            return 1
        default:
            if Self.isTerminator(c) {
                endWord()
            } else {
                continueWord(c)
            }
            return 1
        }
    }

    private mutating func doubleByte(_ b: [UInt8], _ i: Int) -> Int {
        switch b[i] {
        case UInt8(ascii: "\\"): escaped = true
        case UInt8(ascii: "\""): pop()
        case UInt8(ascii: "`"): push(.backtick)
        case UInt8(ascii: "$"): return dollarByte(b, i) ?? 1
        default: break
        }
        return 1
    }

    private mutating func parameterByte(_ b: [UInt8], _ i: Int) -> Int {
        switch b[i] {
        case UInt8(ascii: "\\"): escaped = true
        case UInt8(ascii: "}"): pop()
        case UInt8(ascii: "\""): push(.double)
        case UInt8(ascii: "'"):
            // Inside "${…}" dash and bash disagree on whether ' quotes.
            if stack.dropLast().contains(where: { if case .double = $0 { true } else { false } }) {
                uncertain = uncertain ?? .afterUnclearQuoting
            } else {
                push(.single)
            }
        case UInt8(ascii: "`"): push(.backtick)
        case UInt8(ascii: "$"): return dollarByte(b, i) ?? 1
        default: break
        }
        return 1
    }

    /// A `$` at `b[i]`: opens `$(`, `$((`, `${`, `$'`, `$"` or is plain; nil when it is plain and not last.
    private mutating func dollarByte(_ b: [UInt8], _ i: Int) -> Int? {
        guard b[i] == UInt8(ascii: "$") else { return nil }
        guard i + 1 < b.count else {
            dollarAtEnd = true
            return 1
        }
        switch b[i + 1] {
        case UInt8(ascii: "("):
            if i + 2 < b.count, b[i + 2] == UInt8(ascii: "(") {
                push(.arithmetic(parens: 0))
                return 3
            }
            push(.code(substitution: true, parens: 0))
            return 2
        case UInt8(ascii: "{"):
            push(.parameter)
            return 2
        case UInt8(ascii: "'"):
            if case .double = stack.last { return 1 }
            push(.ansiC)
            return 2
        default:
            return 1
        }
    }

    /// A byte of a here-document's delimiter word; false when the word has ended and `c` is shell code again.
    private mutating func delimiterByte(_ c: UInt8) -> Bool {
        guard var doc = readingDelimiter else { return false }
        defer { if readingDelimiter != nil { readingDelimiter = doc } }
        if let q = delimiterQuote {
            if c == q, !escaped {
                delimiterQuote = nil
            } else if q == UInt8(ascii: "\""), c == UInt8(ascii: "\\"), !escaped {
                escaped = true
            } else {
                escaped = false
                doc.delimiter.append(c)
            }
            return true
        }
        if escaped {
            escaped = false
            doc.delimiter.append(c)
            return true
        }
        if !delimiterStarted, c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") { return true }
        if Self.isTerminator(c) {
            readingDelimiter = nil
            if delimiterStarted { hereDocuments.append(doc) }
            return false
        }
        delimiterStarted = true
        switch c {
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            doc.quoted = true
            delimiterQuote = c
        case UInt8(ascii: "\\"):
            doc.quoted = true
            escaped = true
        default:
            doc.delimiter.append(c)
        }
        return true
    }

    private mutating func bodyByte(_ c: UInt8) {
        guard c == UInt8(ascii: "\n") else {
            bodyLine.append(c)
            return
        }
        guard let doc = hereDocuments.first else {
            inBody = false
            return
        }
        var line = bodyLine[...]
        if doc.stripTabs { line = line.drop(while: { $0 == UInt8(ascii: "\t") }) }
        if !bodyLineHasExpression, Array(line) == doc.delimiter {
            hereDocuments.removeFirst()
            if hereDocuments.isEmpty { inBody = false }
        }
        bodyLine = []
        bodyLineHasExpression = false
    }

    private mutating func push(_ frame: Frame) {
        if case .code = frame {
            inWord = false
            wordExpands = false
            word = []
        }
        stack.append(frame)
    }

    private mutating func pop() {
        guard stack.count > 1 else { return }
        stack.removeLast()
        if case .code = stack.last { inWord = true }
    }

    private mutating func replaceTop(_ frame: Frame) {
        stack[stack.count - 1] = frame
    }

    /// An unquoted byte (or, with nil, a quote or expansion) that is part of the current word.
    private mutating func continueWord(_ c: UInt8?) {
        if !inWord {
            inWord = true
            word = []
            wordExpands = false
        }
        if let c {
            word.append(c)
            if c == UInt8(ascii: "~") || c == UInt8(ascii: "{") { wordExpands = true }
        } else {
            word.append(0)
        }
    }

    /// A word ends; a `case` inside a substitution makes what follows uncertain (see the type's note).
    private mutating func endWord() {
        if inWord, word == Array("case".utf8),
           stack.contains(where: { if case .code(true, _) = $0 { true } else { false } }) {
            uncertain = uncertain ?? .afterCaseInSubstitution
        }
        inWord = false
        wordExpands = false
        word = []
    }

    private static func isTerminator(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: ";"), UInt8(ascii: "&"),
             UInt8(ascii: "|"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "<"), UInt8(ascii: ">"):
            true
        default:
            false
        }
    }
}
