import RunbookYAML

/// The state of one load: the file, its text and every diagnostic found so far.
///
/// Each concern lives in its own extension file (TopLevelLoader, ParamLoader, StepLoader …).
/// Decoding functions report problems and return nil for values they cannot make, then go
/// on, so one pass finds every mistake.
struct RunbookDecoder {
    let file: String
    let source: SourceText
    private(set) var diagnostics: [Diagnostic] = []
    /// Declared param names, known before steps are decoded so `params.x` references can be checked.
    var paramNames: [String] = []
    /// Patterns already known to compile: runbooks repeat the same few, and compiling is the costly part.
    var validRegexes: Set<String> = []

    init(file: String, source: SourceText) {
        self.file = file
        self.source = source
    }

    mutating func error(_ message: String, at location: SourceLocation, hint: String? = nil, notes: [Diagnostic.Note] = []) {
        diagnostics.append(Diagnostic(.error, message, at: location, hint: hint, notes: notes))
    }

    mutating func report(_ more: [Diagnostic]) { diagnostics.append(contentsOf: more) }

    /// How a node is named after "found": `'ten'`, `the string '3'`, `a list`, `nothing`.
    static func found(_ node: Node) -> String {
        switch node.kind {
        case .scalar(let s):
            if node.isNull { return s.text.isEmpty ? "nothing" : "null" }
            let text = s.text.count > 40 ? String(s.text.prefix(37)) + "..." : s.text
            let shown = text.contains("\n") ? text.split(separator: "\n").first.map(String.init) ?? "" : text
            return s.style == .plain ? "'\(shown)'" : "the string '\(shown)'"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }
}

extension String {
    /// The text cut to about 40 characters (first line only) for messages, so a hostile value cannot flood the screen.
    var clipped: String {
        let line = prefix(41).prefix { $0 != "\n" }
        if line.endIndex == endIndex { return String(line) }
        return String(line.prefix(37)) + "..."
    }
}
