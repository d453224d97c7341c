/// Text from params, captures, inventory or command output made safe to print on a terminal.
///
/// A value can hold escape sequences (`\u{1b}[2J` clears the screen, OSC 52 writes the clipboard, a
/// `\r` overwrites what the operator reads) or bidirectional overrides that make a command read
/// differently from what runs. `plan`, the live and plain progress views and `audit` pass every
/// such text through here: control characters are shown as `\x1b`, `\r`, `\u202e`, never sent raw.
public enum TerminalSafe {
    /// `text` with every control character written as an escape. With `keepLineBreaks`, line breaks
    /// and tabs stay as they are (multi-line commands in a plan); otherwise they are `\n` and `\t` too.
    public static func escape(_ text: String, keepLineBreaks: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: { needsEscape($0, keepLineBreaks: keepLineBreaks) }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar, keepLineBreaks: keepLineBreaks) else {
                out.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                let hex = String(scalar.value, radix: 16)
                out += scalar.value < 0x80 ? "\\x" + (hex.count < 2 ? "0" : "") + hex : "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            }
        }
        return out
    }

    private static func needsEscape(_ c: Unicode.Scalar, keepLineBreaks: Bool) -> Bool {
        switch c.value {
        case 0x0A, 0x09: !keepLineBreaks
        case 0x00...0x1F, 0x7F...0x9F: true
        // Bidirectional embeddings, overrides, isolates and marks: they reorder what the operator reads.
        case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
