import RunbookYAML

/// Quoting for `/bin/sh`: the only way a value enters a command line.
public enum ShellQuote {
    /// `s` as exactly one shell word: left bare when it is a safe word (`^[A-Za-z0-9_./=:,@%+-]+$`) that
    /// the shell could not read as a reserved word (`if`, `done`, bash's `time`) or an assignment (`PATH=/x`)
    /// in a command's first place; otherwise single-quoted with each `'` written as `'\''`. The empty string is `''`.
    public static func word(_ s: String) -> String {
        if s.isEmpty { return "''" }
        if isSafeWord(s), !reservedWords.contains(s), !looksLikeAssignment(s) { return s }
        return quoted(s)
    }

    /// `s` single-quoted, always: `'…'` with each `'` written as `'\''`.
    public static func quoted(_ s: String) -> String {
        "'" + insideSingleQuotes(s) + "'"
    }

    /// `s` for the inside of a `'…'` the author opened: each `'` closes, adds an escaped quote and reopens.
    public static func insideSingleQuotes(_ s: String) -> String {
        var out = ""
        for c in s { if c == "'" { out += "'\\''" } else { out.append(c) } }
        return out
    }

    /// Words that are syntax in a command's first place: POSIX reserved words and bash's own.
    static let reservedWords: Set<String> = [
        "case", "do", "done", "elif", "else", "esac", "fi", "for", "if", "in", "then", "until", "while",
        "function", "select", "time", "coproc",
    ]

    /// `NAME=…`: an assignment when it comes before a command.
    static func looksLikeAssignment(_ s: String) -> Bool {
        guard let eq = s.firstIndex(of: "="), eq != s.startIndex, let first = s.unicodeScalars.first else { return false }
        guard first == "_" || ("A"..."Z").contains(first) || ("a"..."z").contains(first) else { return false }
        return s[..<eq].unicodeScalars.allSatisfy { $0 == "_" || ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0) }
    }

    /// True when every character is one the shell never treats specially: `A-Z a-z 0-9 _ . / = : , @ % + -`.
    public static func isSafeWord(_ s: String) -> Bool {
        !s.isEmpty && s.unicodeScalars.allSatisfy(isSafe)
    }

    private static func isSafe(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "A"..."Z", "a"..."z", "0"..."9": true
        case "_", ".", "/", "=", ":", ",", "@", "%", "+", "-": true
        default: false
        }
    }
}
