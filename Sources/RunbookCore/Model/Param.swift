import RunbookYAML

/// A declared input of a runbook.
public struct Param: Sendable, Hashable {
    /// The types a param can have.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case string, int, bool, list, duration
    }

    public var name: String
    public var kind: Kind
    public var required: Bool
    public var defaultValue: Value?
    /// A regular expression a string value (or each list item) must match in full.
    public var pattern: String?
    /// The values allowed.
    public var allowed: [Value]?
    /// Never written to the journal, output files, terminal or errors in clear.
    public var secret: Bool
    public var description: String?
    public var location: SourceLocation

    public init(
        name: String, kind: Kind = .string, required: Bool = false, defaultValue: Value? = nil,
        pattern: String? = nil, allowed: [Value]? = nil, secret: Bool = false, description: String? = nil,
        location: SourceLocation
    ) {
        self.name = name
        self.kind = kind
        self.required = required
        self.defaultValue = defaultValue
        self.pattern = pattern
        self.allowed = allowed
        self.secret = secret
        self.description = description
        self.location = location
    }
}
