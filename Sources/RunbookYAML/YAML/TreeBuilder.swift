import CYAML

/// Folds libyaml events into a `Node` tree, enforcing the limits and the one-document rule.
///
/// Collections are built in place on an explicit stack (never by recursion), so depth costs no
/// native stack and appending to a large sequence stays linear. Every node carries its expanded
/// size (itself plus everything below, aliases included), so an alias bomb is stopped by counting,
/// before anything walks the tree.
struct TreeBuilder {
    private struct Frame {
        var start: SourceLocation
        var tag: Int32
        var anchor: String?
        var isMapping: Bool
        /// Where this collection's children begin in `pending`, and its key identities in `identities`.
        var childStart: Int
        var identityStart: Int
        /// Keys by identity, built only for large mappings (see `firstDefinition`).
        var seen: [String: SourceLocation] = [:]
        var indexed = false
        /// This collection plus everything added to it so far, aliases expanded.
        var size = 1
    }

    let file: String
    /// `file` in the shared file table, looked up once per parse rather than once per node.
    private let fileID: Int32
    let limits: YAMLLimits
    private var stack: [Frame] = []
    // The tree being built (see `NodeTree`).
    private var records: [NodeTree.Record] = []
    private var children: [Int32] = []
    private var text: [UInt8] = []
    private var tags: [String] = []
    private var tagIDs: [String: Int32] = [:]
    /// The children of every open collection, innermost last; moved to `children` when it closes,
    /// so building a collection allocates nothing of its own.
    private var pending: [Int32] = []
    /// The duplicate-check identity of each key of every open mapping (nil for a key that is not a
    /// scalar), computed once per key rather than once per comparison.
    private var identities: [String?] = []
    private var root: Int32?
    private var documents = 0
    private var anchors: [String: (node: Int32, size: Int)] = [:]
    private var expanded = 0
    /// Problems that do not stop the parse (duplicate keys): reported together at the end.
    private(set) var diagnostics: [Diagnostic] = []

    /// - Parameter size: the document's size in bytes, to reserve the tree's storage once (pages
    ///   reserved and not used cost no memory).
    init(file: String, limits: YAMLLimits, size: Int) {
        self.file = file
        fileID = FileTable.shared.id(file)
        self.limits = limits
        records.reserveCapacity(size / 8)
        children.reserveCapacity(size / 8)
        text.reserveCapacity(size)
    }

    /// Consumes one event; returns true at the end of the stream.
    /// - Throws: `DiagnosticError` for problems after which the tree cannot be trusted (limits, a second document).
    mutating func consume(_ event: inout yaml_event_t) throws(DiagnosticError) -> Bool {
        let at = location(event.start_mark)
        switch event.type {
        case YAML_STREAM_END_EVENT:
            return true
        case YAML_DOCUMENT_START_EVENT:
            documents += 1
            if documents > 1 {
                throw DiagnosticError(.error(
                    "a runbook file holds one YAML document; found a second one here", at: at,
                    hint: "remove the '---' separator or split the file"))
            }
        case YAML_SCALAR_EVENT:
            let s = event.data.scalar
            let first = Int32(clamping: text.count)
            if let value = s.value, s.length > 0 { text.append(contentsOf: UnsafeBufferPointer(start: value, count: s.length)) }
            records.append(NodeTree.Record(
                kind: .scalar, style: Self.style(s.style), tag: tag(s.tag), at: at, end: location(event.end_mark),
                first: first, count: Int32(clamping: s.length)))
            add(Int32(records.count - 1), anchor: Self.string(s.anchor), size: 1)
        case YAML_SEQUENCE_START_EVENT:
            try checkDepth(at)
            let e = event.data.sequence_start
            open(at, tag: e.tag, anchor: e.anchor, isMapping: false)
        case YAML_MAPPING_START_EVENT:
            try checkDepth(at)
            let e = event.data.mapping_start
            open(at, tag: e.tag, anchor: e.anchor, isMapping: true)
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let frame = stack.popLast() else { return false }
            let first = Int32(clamping: children.count)
            let count = pending.count - frame.childStart
            children.append(contentsOf: pending[frame.childStart...])
            pending.removeSubrange(frame.childStart...)
            identities.removeSubrange(frame.identityStart...)
            records.append(NodeTree.Record(
                kind: frame.isMapping ? .mapping : .sequence, style: .plain, tag: frame.tag, at: frame.start,
                end: location(event.end_mark), first: first, count: Int32(clamping: frame.isMapping ? count / 2 : count)))
            add(Int32(records.count - 1), anchor: frame.anchor, size: frame.size)
        case YAML_ALIAS_EVENT:
            let name = Self.string(event.data.alias.anchor) ?? ""
            guard let target = anchors[name] else {
                throw DiagnosticError(.error("unknown alias '*\(name)'", at: at, hint: "define the anchor '&\(name)' before using it"))
            }
            expanded += target.size
            if expanded > limits.maxAliasExpansion {
                throw DiagnosticError(.error(
                    "aliases expand to more than \(limits.maxAliasExpansion) nodes; refusing (an alias bomb?)", at: at,
                    hint: "a runbook rarely needs aliases; write the values out"))
            }
            // The alias is the anchored node again (its children are shared), found where the alias is written.
            var copy = records[Int(target.node)]
            copy.move(to: at)
            records.append(copy)
            add(Int32(records.count - 1), anchor: nil, size: target.size)
        default:
            return false
        }
        return false
    }

    /// The document's root, or every problem found.
    func finish() -> Result<Node, DiagnosticError> {
        if !diagnostics.isEmpty { return .failure(DiagnosticError(diagnostics)) }
        let tree = NodeTree(fileID: fileID, records: records, children: children, text: text, tags: tags)
        guard let root, !Node(tree, root).isNull else {
            return .failure(DiagnosticError(.error(
                "the file is empty; expected a YAML mapping", at: SourceLocation(file: file, line: 1, column: 1),
                hint: "a runbook starts with 'runbook: NAME' and a list of 'steps:'")))
        }
        return .success(Node(tree, root))
    }

    private func checkDepth(_ at: SourceLocation) throws(DiagnosticError) {
        if stack.count >= limits.maxDepth {
            throw DiagnosticError(.error("nesting deeper than \(limits.maxDepth) levels; refusing", at: at))
        }
    }

    private mutating func open(_ at: SourceLocation, tag name: UnsafeMutablePointer<yaml_char_t>?,
                               anchor: UnsafeMutablePointer<yaml_char_t>?, isMapping: Bool) {
        stack.append(Frame(start: at, tag: tag(name), anchor: Self.string(anchor), isMapping: isMapping,
                           childStart: pending.count, identityStart: identities.count))
    }

    private mutating func add(_ node: Int32, anchor: String?, size: Int) {
        if let anchor { anchors[anchor] = (node, size) }
        // Take the frame out of the stack while changing it: mutated in place inside the array,
        // its key index was copied on every insert (a 40,000-key mapping took 20 s).
        guard var frame = stack.popLast() else {
            root = node
            return
        }
        defer { stack.append(frame) }
        frame.size += size
        pending.append(node)
        guard frame.isMapping, (pending.count - frame.childStart) % 2 == 1 else { return }
        // A new key: refuse it if an earlier key of this mapping has the same identity.
        let key = records[Int(node)]
        let keyText = key.kind == .scalar ? NodeTree.string(key, in: text) : nil
        let identity = keyText.map { Self.identity(of: key, $0) }
        if let keyText, let identity, let first = firstDefinition(of: identity, at: NodeTree.location(key, in: fileID), in: &frame) {
            diagnostics.append(Diagnostic(
                .error, "duplicate key '\(keyText)'", at: NodeTree.location(key, in: fileID),
                hint: "each key may appear once in a mapping; remove or rename one",
                notes: [.init("'\(keyText)' first defined here", at: first)]))
        }
        identities.append(identity)
    }

    /// A key's identity for the duplicate check: its text and its YAML type, so `{1: x, '1': y}`
    /// (an int and a string) holds two keys while `{a: x, 'a': y}` is a duplicate.
    private static func identity(of key: NodeTree.Record, _ text: String) -> String {
        guard key.style == .plain, key.tag < 0 else { return text }
        // Nearly every key starts with a letter that begins no null, boolean or number spelling
        // (those start with a digit, a sign, '.', '~' or n/t/f/i, in either case): no parsing needed.
        switch text.utf8.first {
        case UInt8(ascii: "n"), UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "i"),
             UInt8(ascii: "N"), UInt8(ascii: "T"), UInt8(ascii: "F"), UInt8(ascii: "I"): break
        case let first? where (first >= 0x61 && first <= 0x7A) || (first >= 0x41 && first <= 0x5A): return text
        default: break
        }
        let lower = text.lowercased()
        if ["null", "~", "", "true", "false"].contains(lower) || Int(text) != nil || Double(text) != nil
            || [".inf", "-.inf", "+.inf", ".nan"].contains(lower) || (text.hasPrefix("0x") && Int(text.dropFirst(2), radix: 16) != nil)
            || (text.hasPrefix("0o") && Int(text.dropFirst(2), radix: 8) != nil) {
            return "\u{0}" + text
        }
        return text
    }

    /// Where `key` was first written in this mapping, if it was. Small mappings (nearly all of a
    /// runbook) are searched directly; an index is built only once a mapping grows large, so a
    /// hostile mapping with many keys stays linear.
    private func firstDefinition(of key: String, at location: SourceLocation, in frame: inout Frame) -> SourceLocation? {
        let earlier = identities[frame.identityStart...]
        func keyLocation(_ k: Int) -> SourceLocation {
            NodeTree.location(records[Int(pending[frame.childStart + 2 * (k - frame.identityStart)])], in: fileID)
        }
        if earlier.count < 16 {
            return earlier.firstIndex { $0 == key }.map(keyLocation)
        }
        if !frame.indexed {
            frame.indexed = true
            for k in earlier.indices {
                if let identity = identities[k], frame.seen[identity] == nil { frame.seen[identity] = keyLocation(k) }
            }
        }
        if let first = frame.seen[key] { return first }
        frame.seen[key] = location
        return nil
    }

    private mutating func tag(_ p: UnsafeMutablePointer<yaml_char_t>?) -> Int32 {
        guard let name = Self.string(p) else { return -1 }
        if let id = tagIDs[name] { return id }
        let id = Int32(tags.count)
        tags.append(name)
        tagIDs[name] = id
        return id
    }

    private func location(_ mark: yaml_mark_t) -> SourceLocation {
        SourceLocation(fileID: fileID, line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    private static func string(_ p: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        p.map { String(cString: $0) }
    }

    private static func style(_ s: yaml_scalar_style_t) -> Node.Scalar.Style {
        switch s {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: .literal
        case YAML_FOLDED_SCALAR_STYLE: .folded
        default: .plain
        }
    }
}
