import Foundation

/// The machine-readable form of a diagnostic, as `--output json` prints it:
/// `{file, line, column, severity, message, hint, notes: [{file, line, column, message}]}`.
/// Position fields are null for diagnostics with no place in a file.
public struct DiagnosticJSON: Sendable, Hashable, Codable {
    /// A note in JSON form.
    public struct Note: Sendable, Hashable, Codable {
        /// The file the note points into, if it has a place.
        public var file: String?
        /// 1-based line.
        public var line: Int?
        /// 1-based column, in Unicode scalars.
        public var column: Int?
        /// The remark itself.
        public var message: String
    }

    /// The file the diagnostic is about (its location's file, else the input it was found for).
    public var file: String?
    /// 1-based line; null when the problem has no place in a file.
    public var line: Int?
    /// 1-based column, in Unicode scalars; null when the problem has no place in a file.
    public var column: Int?
    /// `error`, `warning` or `note`.
    public var severity: String
    /// The one-line message.
    public var message: String
    /// The suggested fix, if any.
    public var hint: String?
    /// Positioned remarks (the first definition of a duplicate, …).
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
