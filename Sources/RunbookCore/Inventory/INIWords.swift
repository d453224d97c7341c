import RunbookYAML

/// Splits an INI inventory line into words the way Ansible does: on blanks, keeping quoted
/// values together, stopping at a ` #` comment.
enum INIWords {
    struct Word { var text: String; var location: SourceLocation }

    static func split(_ line: String, line number: Int, column start: Int, file: String = "") -> [Word] {
        var words: [Word] = []
        var current = ""
        var quote: Character? = nil
        var column = start
        var wordStart = start
        for c in line {
            defer { column += 1 }
            if let q = quote {
                current.append(c)
                if c == q { quote = nil }
                continue
            }
            if c == " " || c == "\t" {
                if !current.isEmpty { words.append(Word(text: current, location: SourceLocation(file: file, line: number, column: wordStart))) }
                current = ""
                continue
            }
            if c == "#", current.isEmpty { break }
            if current.isEmpty { wordStart = column }
            if c == "'" || c == "\"" { quote = c }
            current.append(c)
        }
        if !current.isEmpty { words.append(Word(text: current, location: SourceLocation(file: file, line: number, column: wordStart))) }
        return words
    }

    /// Removes one pair of surrounding quotes.
    static func unquote(_ s: String) -> String {
        guard s.count >= 2, let f = s.first, f == "'" || f == "\"", s.last == f else { return s }
        return String(s.dropFirst().dropLast())
    }
}
