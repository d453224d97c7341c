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
        var tag: String?
        var anchor: String?
        var isMapping: Bool
        var items: [Node] = []
        var pairs: [Node.Pair] = []
        var pendingKey: Node?
        /// The duplicate-check identity of each key so far (nil for a key that is not a scalar),
        /// computed once per key rather than once per comparison.
        var keyIdentities: [String?] = []
        /// Keys by text, built only for large mappings (see `firstDefinition`).
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
    private var root: Node?
    private var documents = 0
    private var anchors: [String: (node: Node, size: Int)] = [:]
    private var expanded = 0
    /// Problems that do not stop the parse (duplicate keys): reported together at the end.
    private(set) var diagnostics: [Diagnostic] = []

    init(file: String, limits: YAMLLimits) {
        self.file = file
        fileID = FileTable.shared.id(file)
        self.limits = limits
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
            let text = s.value.map { String(decoding: UnsafeBufferPointer(start: $0, count: s.length), as: UTF8.self) } ?? ""
            let node = Node(.scalar(.init(text, style: Self.style(s.style))), at: at, end: location(event.end_mark), tag: Self.string(s.tag))
            add(node, anchor: Self.string(s.anchor), size: 1)
        case YAML_SEQUENCE_START_EVENT:
            try checkDepth(at)
            let e = event.data.sequence_start
            stack.append(Frame(start: at, tag: Self.string(e.tag), anchor: Self.string(e.anchor), isMapping: false))
        case YAML_MAPPING_START_EVENT:
            try checkDepth(at)
            let e = event.data.mapping_start
            stack.append(Frame(start: at, tag: Self.string(e.tag), anchor: Self.string(e.anchor), isMapping: true))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let frame = stack.popLast() else { return false }
            let end = location(event.end_mark)
            let kind: Node.Kind = frame.isMapping ? .mapping(frame.pairs) : .sequence(frame.items)
            add(Node(kind, at: frame.start, end: end, tag: frame.tag), anchor: frame.anchor, size: frame.size)
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
            var copy = target.node
            copy.location = at
            add(copy, anchor: nil, size: target.size)
        default:
            return false
        }
        return false
    }

    /// The document's root, or every problem found.
    func finish() -> Result<Node, DiagnosticError> {
        if !diagnostics.isEmpty { return .failure(DiagnosticError(diagnostics)) }
        guard let root, !root.isNull else {
            return .failure(DiagnosticError(.error(
                "the file is empty; expected a YAML mapping", at: SourceLocation(file: file, line: 1, column: 1),
                hint: "a runbook starts with 'runbook: NAME' and a list of 'steps:'")))
        }
        return .success(root)
    }

    private func checkDepth(_ at: SourceLocation) throws(DiagnosticError) {
        if stack.count >= limits.maxDepth {
            throw DiagnosticError(.error("nesting deeper than \(limits.maxDepth) levels; refusing", at: at))
        }
    }

    private mutating func add(_ node: Node, anchor: String?, size: Int) {
        if let anchor { anchors[anchor] = (node, size) }
        // Take the frame out of the stack while changing it: mutated in place inside the array,
        // its key index was copied on every insert (a 40,000-key mapping took 20 s).
        guard var frame = stack.popLast() else {
            root = node
            return
        }
        defer { stack.append(frame) }
        frame.size += size
        if !frame.isMapping {
            frame.items.append(node)
        } else if let key = frame.pendingKey {
            frame.pairs.append(Node.Pair(key: key, value: node))
            frame.pendingKey = nil
        } else {
            let identity = node.text.map { Self.identity(of: node, $0) }
            if let text = node.text, let identity, let first = firstDefinition(of: identity, at: node.location, in: &frame) {
                diagnostics.append(Diagnostic(
                    .error, "duplicate key '\(text)'", at: node.location,
                    hint: "each key may appear once in a mapping; remove or rename one",
                    notes: [.init("'\(text)' first defined here", at: first)]))
            }
            frame.keyIdentities.append(identity)
            frame.pendingKey = node
        }
    }

    /// A key's identity for the duplicate check: its text and its YAML type, so `{1: x, '1': y}`
    /// (an int and a string) holds two keys while `{a: x, 'a': y}` is a duplicate.
    private static func identity(of node: Node, _ text: String) -> String {
        guard node.scalar?.style == .plain, node.tag == nil else { return text }
        // Nearly every key starts with a letter that begins no null, boolean or number spelling
        // (those start with a digit, a sign, '.', '~' or n/t/f/i, in either case): no parsing needed.
        if let first = text.utf8.first, (first >= 0x61 && first <= 0x7A) || (first >= 0x41 && first <= 0x5A),
           !"ntfiNTFI".utf8.contains(first) {
            return text
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
        if frame.pairs.count < 16 {
            return frame.keyIdentities.firstIndex { $0 == key }.map { frame.pairs[$0].key.location }
        }
        if !frame.indexed {
            frame.indexed = true
            for (pair, identity) in zip(frame.pairs, frame.keyIdentities) {
                if let identity, frame.seen[identity] == nil { frame.seen[identity] = pair.key.location }
            }
        }
        if let first = frame.seen[key] { return first }
        frame.seen[key] = location
        return nil
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
