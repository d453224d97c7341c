/// One finding about user input: a runbook, an inventory, a param value or a flag.
///
/// Diagnostics are collected, not thrown one by one: a stage reports everything it can find
/// in one pass so an author fixes a file in one round.
public struct Diagnostic: Sendable, Hashable, Codable, Error, CustomStringConvertible {
    /// How bad the finding is.
    public enum Severity: String, Sendable, Hashable, Codable {
        case error, warning, note
    }

    public var severity: Severity
    public var message: String
    /// Where the problem is; `nil` only for problems that have no place in a file (a missing file, a flag).
    public var location: SourceLocation?
    /// A suggestion that fixes the problem, printed as `hint: …`.
    public var hint: String?
    /// Further positioned remarks (the other end of a cycle, the first definition of a duplicate key).
    public var notes: [Note]

    /// A positioned remark attached to a diagnostic.
    public struct Note: Sendable, Hashable, Codable {
        public var message: String
        public var location: SourceLocation?
        public init(_ message: String, at location: SourceLocation? = nil) {
            self.message = message
            self.location = location
        }
    }

    public init(
        _ severity: Severity = .error, _ message: String, at location: SourceLocation?,
        hint: String? = nil, notes: [Note] = []
    ) {
        self.severity = severity
        self.message = message
        self.location = location
        self.hint = hint
        self.notes = notes
    }

    /// An error at a location.
    public static func error(_ message: String, at location: SourceLocation?, hint: String? = nil) -> Diagnostic {
        Diagnostic(.error, message, at: location, hint: hint)
    }

    /// The compiler-style one-line form, `file:line:col: error: message`, without hint or notes.
    public var description: String {
        let place = location.map { "\($0): " } ?? ""
        return "\(place)\(severity.rawValue): \(message)"
    }
}

/// Several diagnostics thrown together when a stage cannot go on.
public struct DiagnosticError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics.sorted(by: Diagnostic.byPosition) }
    public init(_ diagnostic: Diagnostic) { self.diagnostics = [diagnostic] }
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

extension Diagnostic {
    /// Orders diagnostics by file, line and column; unplaced ones first, then by message for stability.
    public static func byPosition(_ a: Diagnostic, _ b: Diagnostic) -> Bool {
        switch (a.location, b.location) {
        case (nil, nil): return a.message < b.message
        case (nil, _): return true
        case (_, nil): return false
        case let (l?, r?): return l == r ? a.message < b.message : l < r
        }
    }
}
