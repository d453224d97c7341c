extension Value {
    /// True when a string in the value (or in a list or map inside it) holds a NUL byte: no command line,
    /// environment or terminal can carry one, so such a value is refused wherever it would be used.
    public var containsNUL: Bool {
        switch self {
        case .string(let s): s.utf8.contains(0)
        case .list(let items): items.contains(where: \.containsNUL)
        case .map(let entries): entries.contains { $0.key.utf8.contains(0) || $0.value.containsNUL }
        case .int, .bool, .null: false
        }
    }
}
