/// Escaping for Markdown meant to be pasted into a change ticket: table cells stay one cell and
/// one line, code spans and fences never close early whatever the text holds.
enum MarkdownText {
    /// Text for a table cell: `|` escaped, line breaks shown as `<br>`, control characters dropped.
    static func cell(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "|": out += "\\|"
            case "\n", "\r\n": out += "<br>"
            case "\r": break
            default:
                if let ascii = character.asciiValue, ascii < 0x20 || ascii == 0x7F { continue }
                out.append(character)
            }
        }
        return out
    }

    /// An inline code span that survives backticks in `text` (CommonMark: a longer fence).
    static func code(_ text: String) -> String {
        guard !text.isEmpty else { return "" }
        let longest = longestRun(of: "`", in: text)
        let fence = String(repeating: "`", count: longest + 1)
        let pad = text.hasPrefix("`") || text.hasSuffix("`") ? " " : ""
        return fence + pad + cell(text) + pad + fence
    }

    /// A fenced block with an info string; the fence is longer than any backtick run inside.
    static func block(_ text: String, info: String = "") -> String {
        let fence = String(repeating: "`", count: max(3, longestRun(of: "`", in: text) + 1))
        let body = text.hasSuffix("\n") ? text : text + "\n"
        return fence + info + "\n" + body + fence + "\n"
    }

    private static func longestRun(of mark: Character, in text: String) -> Int {
        var longest = 0, current = 0
        for character in text {
            current = character == mark ? current + 1 : 0
            longest = max(longest, current)
        }
        return longest
    }
}
