import Foundation
import RunbookYAML

/// A file edit with its templates rendered: patterns with values regex-escaped, text as is.
public enum RenderedFileEdit: Sendable, Hashable, Codable {
    case replace(pattern: String, with: String)
    case deleteLines(matching: String)
    case ensureLine(String, after: String?)
    case setKey(key: String, value: String)

    /// One line for plans and the journal.
    public var summary: String {
        switch self {
        case .replace(let p, let w): "replace /\(p)/ with '\(Self.literal(w))'"
        case .deleteLines(let p): "delete lines matching /\(p)/"
        case .ensureLine(let l, let after): "ensure line '\(l)'" + (after.map { " after /\($0)/" } ?? "")
        case .setKey(let k, let v): "set \(k)=\(v)"
        }
    }

    /// A replacement template as the text it inserts: every `\X` escape (how values are written
    /// into templates, Foundation escaping even `.`) shown as `X`; `$1` references stay.
    static func literal(_ template: String) -> String {
        var out = ""
        var escaped = false
        for ch in template {
            if escaped || ch != "\\" {
                out.append(ch)
                escaped = false
            } else {
                escaped = true
            }
        }
        return out
    }
}

/// Applies edits to a text file's content; shared by `plan` (for diffs) and the engine.
public enum FileEditor {
    /// The content after `edits`, applied in order, line by line (a trailing newline is kept).
    /// - Throws: `Diagnostic` (unplaced) when a pattern is not a valid regular expression.
    public static func apply(_ edits: [RenderedFileEdit], to content: String) throws(Diagnostic) -> String {
        try applyReporting(edits, to: content).content
    }

    /// The content after `edits`, and the indices of the edits that matched nothing: a
    /// `replace` or `delete_lines` whose pattern matched no line, an `ensure_line` whose `after`
    /// matched no line (and whose line was not there yet). `set` always applies (it adds the key).
    /// - Throws: `Diagnostic` (unplaced) when a pattern is not a valid regular expression.
    public static func applyReporting(_ edits: [RenderedFileEdit],
                                      to content: String) throws(Diagnostic) -> (content: String, unmatched: [Int]) {
        var unmatched: [Int] = []
        var lines = content.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let hadTrailingNewline = content.hasSuffix("\n")
        if hadTrailingNewline { lines.removeLast() }
        if content.isEmpty { lines = [] }
        for (index, edit) in edits.enumerated() {
            switch edit {
            case .replace(let pattern, let with):
                let regex = try compile(pattern)
                if !lines.contains(where: { matches(regex, $0) }) { unmatched.append(index) }
                lines = lines.map { regex.stringByReplacingMatches(in: $0, range: NSRange($0.startIndex..., in: $0), withTemplate: with) }
            case .deleteLines(let pattern):
                let regex = try compile(pattern)
                let before = lines.count
                lines.removeAll { matches(regex, $0) }
                if lines.count == before { unmatched.append(index) }
            case .ensureLine(let line, let after):
                guard !lines.contains(line) else { continue }
                if let after, let regex = Optional(try compile(after)), let i = lines.firstIndex(where: { matches(regex, $0) }) {
                    lines.insert(line, at: i + 1)
                } else {
                    if after != nil { unmatched.append(index) }
                    lines.append(line)
                }
            case .setKey(let key, let value):
                let prefix = try compile("^\\s*" + NSRegularExpression.escapedPattern(for: key) + "\\s*=")
                if let i = lines.firstIndex(where: { matches(prefix, $0) }) {
                    lines[i] = "\(key)=\(value)"
                } else {
                    lines.append("\(key)=\(value)")
                }
            }
        }
        let body = lines.joined(separator: "\n")
        return (lines.isEmpty ? "" : body + (hadTrailingNewline || content.isEmpty ? "\n" : ""), unmatched)
    }

    private static func compile(_ pattern: String) throws(Diagnostic) -> NSRegularExpression {
        do { return try NSRegularExpression(pattern: pattern) } catch {
            throw .error("invalid regular expression '\(pattern)' in an edit", at: nil)
        }
    }

    private static func matches(_ regex: NSRegularExpression, _ line: String) -> Bool {
        regex.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil
    }
}

extension RenderedFileEdit {
    /// Renders `edits` for applying them in `context`: values in patterns are regex-escaped,
    /// everything else is inserted as is. `redacted` renders secrets as `***` (for display only).
    /// - Throws: `Diagnostic` at the failing expression.
    public static func render(_ edits: [FileEdit], in context: EvaluationContext, redacted: Bool = false) throws(Diagnostic) -> [RenderedFileEdit] {
        let renderer = TemplateRenderer()
        func text(_ t: Template, _ mode: TemplateRenderer.Mode) throws(Diagnostic) -> String {
            let r = try renderer.render(t, in: context, mode: mode)
            return redacted ? r.redacted : r.text
        }
        var out: [RenderedFileEdit] = []
        for edit in edits {
            switch edit {
            case .replace(let p, let w): out.append(.replace(pattern: try text(p, .regex), with: try text(w, .replacement)))
            case .deleteLines(let p): out.append(.deleteLines(matching: try text(p, .regex)))
            case .ensureLine(let l, let after):
                var afterText: String? = nil
                if let after { afterText = try text(after, .regex) }
                out.append(.ensureLine(try text(l, .text), after: afterText))
            case .setKey(let k, let v): out.append(.setKey(key: try text(k, .text), value: try text(v, .text)))
            }
        }
        return out
    }
}
