/// A YAML node that remembers where it came from.
///
/// The loader turns these into model values; every diagnostic it emits points at a node's
/// `location`, so positions survive all the way to the user. A node is a position in its
/// document's `NodeTree`: its kind, children and text are read from there when asked for.
public struct Node: Sendable {
    /// The node's content.
    public enum Kind: Sendable, Hashable {
        case scalar(Scalar)
        case sequence(Items)
        case mapping(Pairs)
    }

    /// A scalar with its text and how it was written (plain scalars may be numbers, booleans or null;
    /// quoted ones are always strings).
    public struct Scalar: Sendable, Hashable {
        public enum Style: UInt8, Sendable, Hashable { case plain, singleQuoted, doubleQuoted, literal, folded }
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

    /// A sequence's items, read from the tree in place.
    public struct Items: RandomAccessCollection, Sendable, Hashable {
        let tree: NodeTree
        let first: Int
        public let count: Int
        public var startIndex: Int { 0 }
        public var endIndex: Int { count }
        public subscript(position: Int) -> Node {
            precondition(position >= 0 && position < count, "item index out of range")
            return Node(tree, tree.children[first + position])
        }
        public static func == (a: Items, b: Items) -> Bool { a.elementsEqual(b) }
        public func hash(into hasher: inout Hasher) {
            hasher.combine(count)
            for item in self { hasher.combine(item) }
        }
    }

    /// A mapping's entries in the order they were written, read from the tree in place.
    public struct Pairs: RandomAccessCollection, Sendable, Hashable {
        /// Keys and values alternating, as the tree stores them.
        let nodes: Items
        public var count: Int { nodes.count / 2 }
        public var startIndex: Int { 0 }
        public var endIndex: Int { count }
        public subscript(position: Int) -> Pair {
            precondition(position >= 0 && position < count, "pair index out of range")
            return Pair(key: nodes[2 * position], value: nodes[2 * position + 1])
        }
    }

    let tree: NodeTree
    let index: Int32

    init(_ tree: NodeTree, _ index: Int32) {
        self.tree = tree
        self.index = index
    }

    /// A scalar that was not read from a file (a reader's stand-in for an omitted value).
    public init(scalar text: String, style: Scalar.Style = .plain, at location: SourceLocation) {
        let record = NodeTree.Record(kind: .scalar, style: style, tag: -1, at: location, end: nil,
                                     first: 0, count: Int32(clamping: text.utf8.count))
        self.init(NodeTree(fileID: location.fileID, records: [record], children: [], text: Array(text.utf8), tags: []), 0)
    }

    var record: NodeTree.Record { tree.records[Int(index)] }

    public var kind: Kind {
        let r = record
        switch r.kind {
        case .scalar: return .scalar(Scalar(tree.string(r), style: r.style))
        case .sequence: return .sequence(children(r))
        case .mapping: return .mapping(Pairs(nodes: children(r)))
        }
    }

    /// A collection's children as the tree stores them (a mapping's keys and values alternating).
    private func children(_ r: NodeTree.Record) -> Items {
        Items(tree: tree, first: Int(r.first), count: r.kind == .mapping ? 2 * Int(r.count) : Int(r.count))
    }

    public var location: SourceLocation { tree.location(record) }

    /// Where the node's text ends (exclusive), for ranges and for rewriting a file.
    public var end: SourceLocation? { tree.end(record) }

    /// The explicit tag, if any (`!!str`); the loader refuses tags it does not know.
    public var tag: String? {
        let t = record.tag
        return t < 0 ? nil : tree.tags[Int(t)]
    }
}

extension Node: Hashable {
    /// Nodes are equal when they hold the same content at the same places (not when they are the same record).
    public static func == (a: Node, b: Node) -> Bool {
        a.location == b.location && a.end == b.end && a.tag == b.tag && a.kind == b.kind
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(location)
        hasher.combine(kind)
    }
}

extension Node {
    /// The scalar, if this node is one.
    public var scalar: Scalar? {
        let r = record
        return r.kind == .scalar ? Scalar(tree.string(r), style: r.style) : nil
    }

    /// True for a scalar (reads no text).
    public var isScalar: Bool { record.kind == .scalar }

    /// How the scalar was written, if this node is one (reads no text).
    public var scalarStyle: Scalar.Style? {
        let r = record
        return r.kind == .scalar ? r.style : nil
    }

    /// The scalar's text, if this node is a scalar.
    public var text: String? {
        let r = record
        return r.kind == .scalar ? tree.string(r) : nil
    }

    /// True when this node is a scalar whose text is exactly `string` (compared without making a `String`).
    public func hasText(_ string: String) -> Bool {
        let r = record
        return r.kind == .scalar && tree.scalar(r, equals: string)
    }

    /// The entries, if this node is a mapping.
    public var pairs: Pairs? {
        let r = record
        return r.kind == .mapping ? Pairs(nodes: children(r)) : nil
    }

    /// The items, if this node is a sequence.
    public var items: Items? {
        let r = record
        return r.kind == .sequence ? children(r) : nil
    }

    /// The value for a key, if this node is a mapping and has it.
    public subscript(key: String) -> Node? {
        pairs?.first { $0.key.hasText(key) }?.value
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
        let r = record
        guard r.kind == .scalar, r.style == .plain else { return false }
        return r.count == 0 || tree.scalar(r, equals: "~") || tree.scalar(r, equals: "null")
    }
}
