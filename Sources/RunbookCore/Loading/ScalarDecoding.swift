import RunbookYAML

/// Reading typed scalars (strings, integers, booleans, durations, numbers, names) from nodes.
extension RunbookDecoder {
    /// Any non-null scalar, as text.
    mutating func string(_ node: Node) -> String? {
        guard let s = node.scalar, !node.isNull else {
            error("expected a string, found \(Self.found(node))", at: node.location)
            return nil
        }
        return s.text
    }

    /// A plain integer (`3`, not `"3"` or `3.0`), optionally with a lower bound.
    mutating func int(_ node: Node, atLeast minimum: Int? = nil) -> Int? {
        guard let s = node.scalar, s.style == .plain, let value = Int(s.text) else {
            error("expected an integer, found \(Self.found(node))", at: node.location,
                  hint: node.scalarStyle != .plain && node.scalar.flatMap({ Int($0.text) }) != nil
                      ? "write the number without quotes" : nil)
            return nil
        }
        if let minimum, value < minimum {
            error("expected an integer of at least \(minimum), found \(value)", at: node.location)
            return nil
        }
        return value
    }

    /// A plain number such as `2` or `1.5`.
    mutating func number(_ node: Node, atLeast minimum: Double) -> Double? {
        guard let s = node.scalar, s.style == .plain, let value = Double(s.text), value.isFinite else {
            error("expected a number, found \(Self.found(node))", at: node.location)
            return nil
        }
        guard value >= minimum else {
            error("expected a number of at least \(Int(minimum)), found \(s.text)", at: node.location)
            return nil
        }
        return value
    }

    /// YAML 1.1 spellings some parsers read as booleans; here they are refused with a hint.
    static let legacyBooleans: Set<String> = ["yes", "no", "on", "off", "y", "n", "True", "False", "TRUE", "FALSE", "Yes", "No", "YES", "NO", "On", "Off", "ON", "OFF"]

    /// `true` or `false`, plain; nothing else.
    mutating func bool(_ node: Node) -> Bool? {
        if let s = node.scalar, s.style == .plain {
            if s.text == "true" { return true }
            if s.text == "false" { return false }
        }
        error("expected true or false, found \(Self.found(node))", at: node.location, hint: "write true or false")
        return nil
    }

    /// A duration with a unit: `500ms`, `90s`, `10m`, `2h`, `1m30s`.
    mutating func duration(_ node: Node) -> TimeSpan? {
        if let s = node.scalar, !node.isNull, let span = TimeSpan(parsing: s.text) { return span }
        let bare = node.scalar.flatMap { Int($0.text) }
        error("expected a duration such as 90s or 10m, found \(Self.found(node))", at: node.location,
              hint: bare.map { "durations need a unit: \($0)s, \($0)m or \($0)h" })
        return nil
    }

    /// A name that must match one of the naming rules; reports `what` ("step id") when it does not.
    mutating func name(_ node: Node, rule: NameRule, what: String) -> String? {
        guard let text = string(node) else { return nil }
        guard rule.accepts(text) else {
            error("invalid \(what) '\(text.clipped)': \(rule.description)", at: node.location)
            return nil
        }
        return text
    }

    /// A string or a list of strings, as nodes (`needs: a` or `needs: [a, b]`).
    mutating func oneOrMany(_ node: Node) -> [Node]? {
        if let items = node.items { return Array(items) }
        if node.isScalar, !node.isNull { return [node] }
        error("expected a string or a list, found \(Self.found(node))", at: node.location)
        return nil
    }
}

/// The naming rules of the format.
enum NameRule {
    /// Runbook names: `^[a-z0-9][a-z0-9-]*$`.
    case runbook
    /// Step ids: `^[a-z0-9][a-z0-9_-]*$`.
    case step
    /// Params, captures, `with` keys: `^[a-z_][a-z0-9_]*$`.
    case variable

    func accepts(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard let first = u.first else { return false }
        func lower(_ c: UInt8) -> Bool { c >= 0x61 && c <= 0x7A }
        func digit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
        switch self {
        case .runbook:
            return (lower(first) || digit(first)) && u.allSatisfy { lower($0) || digit($0) || $0 == 0x2D }
        case .step:
            return (lower(first) || digit(first)) && u.allSatisfy { lower($0) || digit($0) || $0 == 0x2D || $0 == 0x5F }
        case .variable:
            return (lower(first) || first == 0x5F) && u.allSatisfy { lower($0) || digit($0) || $0 == 0x5F }
        }
    }

    var description: String {
        switch self {
        case .runbook: "use lowercase letters, digits and '-', starting with a letter or digit"
        case .step: "use lowercase letters, digits, '-' and '_', starting with a letter or digit"
        case .variable: "use lowercase letters, digits and '_', starting with a letter or '_'"
        }
    }
}
