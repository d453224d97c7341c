/// A YAML node that remembers where it came from.
///
/// The loader turns these into model values; every diagnostic it emits points at a node's
/// `location`, so positions survive all the way to the user.
public struct Node: Sendable, Hashable {
    /// The node's content.
    public enum Kind: Sendable, Hashable {
        case scalar(Scalar)
        case sequence([Node])
        case mapping([Pair])
    }

    /// A scalar with its text and how it was written (plain scalars may be numbers, booleans or null;
    /// quoted ones are always strings).
    public struct Scalar: Sendable, Hashable {
        public enum Style: Sendable, Hashable { case plain, singleQuoted, doubleQuoted, literal, folded }
        public var text: String
        public var style: Style
        public init(_ text: String, style: Style = .plain) {
            self.text = text
            self.style = style
        }
    }

    /// A mapping entry; keys are nodes too so their positions are known (unknown-key errors point at the key).
    public struct Pair: Sendable, Hashable {
        public var key: Node
        public var value: Node
        public init(key: Node, value: Node) {
            self.key = key
            self.value = value
        }
    }

    public var kind: Kind
    public var location: SourceLocation
    /// Where the node's text ends (exclusive), for ranges and for rewriting a file.
    public var end: SourceLocation?
    /// The explicit tag, if any (`!!str`); the loader refuses tags it does not know.
    public var tag: String?

    public init(_ kind: Kind, at location: SourceLocation, end: SourceLocation? = nil, tag: String? = nil) {
        self.kind = kind
        self.location = location
        self.end = end
        self.tag = tag
    }
}

extension Node {
    /// The scalar, if this node is one.
    public var scalar: Scalar? {
        if case .scalar(let s) = kind { return s }
        return nil
    }

    /// The scalar's text, if this node is a scalar.
    public var text: String? { scalar?.text }

    /// The entries, if this node is a mapping.
    public var pairs: [Pair]? {
        if case .mapping(let p) = kind { return p }
        return nil
    }

    /// The items, if this node is a sequence.
    public var items: [Node]? {
        if case .sequence(let n) = kind { return n }
        return nil
    }

    /// The value for a key, if this node is a mapping and has it.
    public subscript(key: String) -> Node? {
        pairs?.first { $0.key.text == key }?.value
    }

    /// A short description of the kind, for messages such as "expected a mapping, found a sequence".
    public var kindName: String {
        switch kind {
        case .scalar(let s):
            if s.style != .plain { return "a string" }
            if s.text.isEmpty || s.text == "~" || s.text == "null" { return "null" }
            if Int(s.text) != nil { return "a number" }
            if s.text == "true" || s.text == "false" { return "a boolean" }
            return "a string"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }

    /// True for a plain `null`, `~` or empty scalar.
    public var isNull: Bool {
        guard let s = scalar, s.style == .plain else { return false }
        return s.text.isEmpty || s.text == "~" || s.text == "null"
    }
}
