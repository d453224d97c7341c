import RunbookYAML

/// Splits an INI inventory host line into words exactly as Ansible does (`shlex.split(line,
/// comments=True)`, POSIX mode): blanks separate words; `'…'` keeps everything; `"…"` keeps
/// everything but lets `\` escape `"` and `\`; a `\` outside quotes escapes the next character;
/// a `#` outside quotes ends the line, also in the middle of a word (`a=b#c` is `a=b`).
enum INIWords {
    struct Word { var text: String; var location: SourceLocation }

    /// The words of `line`, whose first scalar is at `column`.
    /// - Throws: `Diagnostic` at the opening quote of an unterminated quote, or at a trailing `\`.
    static func split(_ line: String, line number: Int, column start: Int, file: String = "") throws(Diagnostic) -> [Word] {
        enum State { case blank, word, quoted(Unicode.Scalar), escaped(after: Unicode.Scalar?) }
        var words: [Word] = []
        var token = String.UnicodeScalarView()
        var quoted = false
        var state = State.blank
        var wordStart = start
        var quoteStart = start
        func at(_ column: Int) -> SourceLocation { SourceLocation(file: file, line: number, column: column) }
        func emit() {
            if !token.isEmpty || quoted { words.append(Word(text: String(token), location: at(wordStart))) }
            token = String.UnicodeScalarView()
            quoted = false
        }
        var column = start - 1
        scan: for c in line.unicodeScalars {
            column += 1
            switch state {
            case .blank, .word:
                if c == " " || c == "\t" || c == "\r" || c == "\n" {
                    if case .word = state { emit() }
                    state = .blank
                    continue
                }
                if c == "#" { break scan }
                if case .blank = state { wordStart = column }
                if c == "'" || c == "\"" {
                    state = .quoted(c)
                    quoted = true
                    quoteStart = column
                } else if c == "\\" {
                    state = .escaped(after: nil)
                } else {
                    token.append(c)
                    state = .word
                }
            case .quoted(let q):
                if c == q {
                    state = .word
                } else if c == "\\", q == "\"" {
                    state = .escaped(after: q)
                } else {
                    token.append(c)
                }
            case .escaped(let q):
                // Inside "…" only `\"` and `\\` are escapes; any other `\x` keeps its backslash.
                if let q, c != q, c != "\\" { token.append("\\") }
                token.append(c)
                state = q.map(State.quoted) ?? .word
            }
        }
        switch state {
        case .quoted(let q):
            throw .error("unterminated \(q == "'" ? "single" : "double") quote in host line", at: at(quoteStart),
                         hint: "close the quote, or escape it with a backslash")
        case .escaped:
            throw .error("a backslash at the end of a host line escapes nothing", at: at(column),
                         hint: "remove it, or write \\\\ for a backslash")
        case .word, .blank:
            emit()
        }
        return words
    }
}
