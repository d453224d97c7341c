import RunbookYAML

/// Quoting for `/bin/sh`: the only way a value enters a command line.
public enum ShellQuote {
    /// `s` as exactly one shell word: left bare when it is a safe word (`^[A-Za-z0-9_./=:,@%+-]+$`),
    /// otherwise single-quoted with each `'` written as `'\''`. The empty string is `''`.
    public static func word(_ s: String) -> String {
        if s.isEmpty { return "''" }
        if isSafeWord(s) { return s }
        var out = "'"
        for c in s { if c == "'" { out += "'\\''" } else { out.append(c) } }
        return out + "'"
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
