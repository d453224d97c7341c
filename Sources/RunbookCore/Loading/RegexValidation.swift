import Foundation
import RunbookYAML

/// Checks that regular expressions compile, with the engine the runner uses: Foundation's
/// `NSRegularExpression` (ICU syntax). Patterns that hold `${{ … }}` are checked with each
/// expression replaced by a plain word, since expression values are regex-escaped at run time.
enum RegexValidation {
    /// Nil when `pattern` compiles, else a short reason.
    static func problem(_ pattern: String) -> String? {
        do {
            _ = try NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines])
            return nil
        } catch {
            return "it does not compile as a regular expression (ICU syntax)"
        }
    }

    /// The template's text with every expression replaced by `x`, for a compile check.
    static func skeleton(of template: Template) -> String {
        template.segments.map { segment in
            switch segment {
            case .literal(let s): s
            case .expression: "x"
            }
        }.joined()
    }
}

extension RunbookDecoder {
    /// A regular expression that must compile (no expressions allowed).
    mutating func regex(_ node: Node) -> String? {
        guard let text = string(node) else { return nil }
        if validRegexes.contains(text) { return text }
        if let problem = RegexValidation.problem(text) {
            error("invalid regular expression '\(text.clipped)': \(problem)", at: node.location, hint: Self.regexHint(text))
            return nil
        }
        validRegexes.insert(text)
        return text
    }

    /// A regular expression that may hold `${{ … }}`; its literal parts must compile.
    mutating func regexTemplate(_ node: Node) -> Template? {
        guard let t = template(node) else { return nil }
        let skeleton = RegexValidation.skeleton(of: t)
        if validRegexes.contains(skeleton) { return t }
        if let problem = RegexValidation.problem(skeleton) {
            error("invalid regular expression '\(t.raw.clipped)': \(problem)", at: node.location, hint: Self.regexHint(skeleton))
            return nil
        }
        validRegexes.insert(skeleton)
        return t
    }

    /// A guess at the usual mistakes: unbalanced brackets or a dangling quantifier.
    static func regexHint(_ pattern: String) -> String? {
        var depth = 0
        var square = 0
        var escaped = false
        for c in pattern {
            if escaped { escaped = false; continue }
            switch c {
            case "\\": escaped = true
            case "(": depth += 1
            case ")": depth -= 1
            case "[": square += 1
            case "]": square = max(0, square - 1)
            default: break
            }
        }
        if depth > 0 { return "a '(' is not closed" }
        if depth < 0 { return "a ')' has no matching '('" }
        if square > 0 { return "a '[' is not closed" }
        if let first = pattern.first, "*+?".contains(first) { return "'\(first)' needs something before it to repeat; escape it as \\\(first)" }
        return nil
    }
}

extension RunbookDecoder {
    /// True when `pattern` matches the whole of `text` (params' patterns are full-match).
    static func fullMatch(_ pattern: String, _ text: String) -> Bool {
        guard let regex = try? NSRegularExpression(pattern: "^(?:" + pattern + ")$") else { return false }
        let range = NSRange(text.startIndex..<text.endIndex, in: text)
        return regex.firstMatch(in: text, options: [], range: range) != nil
    }
}
