import Foundation

/// The machine-readable form of a diagnostic, as `--output json` prints it:
/// `{file, line, column, severity, message, hint, notes: [{file, line, column, message}]}`.
/// Position fields are null for diagnostics with no place in a file.
public struct DiagnosticJSON: Sendable, Hashable, Codable {
    /// A note in JSON form.
    public struct Note: Sendable, Hashable, Codable {
        public var file: String?
        public var line: Int?
        public var column: Int?
        public var message: String
    }

    public var file: String?
    public var line: Int?
    public var column: Int?
    public var severity: String
    public var message: String
    public var hint: String?
    public var notes: [Note]

    /// The JSON form of `diagnostic`; `file` names the input when the diagnostic has no location.
    public init(_ diagnostic: Diagnostic, file: String? = nil) {
        self.file = diagnostic.location?.file ?? file
        line = diagnostic.location?.line
        column = diagnostic.location?.column
        severity = diagnostic.severity.rawValue
        message = diagnostic.message
        hint = diagnostic.hint
        notes = diagnostic.notes.map {
            Note(file: $0.location?.file, line: $0.location?.line, column: $0.location?.column, message: $0.message)
        }
    }

    /// A pretty-printed JSON array with stable key order; nulls are written out so every object has every key.
    public static func encode(_ items: [DiagnosticJSON]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(items.map(Explicit.init)) else { return "[]" }
        return String(decoding: data, as: UTF8.self)
    }

    /// Encodes absent optionals as null (the synthesised encoding would drop the keys).
    private struct Explicit: Encodable {
        var d: DiagnosticJSON
        init(_ d: DiagnosticJSON) { self.d = d }
        enum Key: String, CodingKey { case file, line, column, severity, message, hint, notes }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(d.file, forKey: .file)
            try c.encode(d.line, forKey: .line)
            try c.encode(d.column, forKey: .column)
            try c.encode(d.severity, forKey: .severity)
            try c.encode(d.message, forKey: .message)
            try c.encode(d.hint, forKey: .hint)
            try c.encode(d.notes, forKey: .notes)
        }
    }
}
