import CYAML

/// Folds libyaml events into a `Node` tree, enforcing the limits and the one-document rule.
struct TreeBuilder {
    private enum Frame {
        case sequence(start: SourceLocation, tag: String?, anchor: String?, items: [Node])
        case mapping(start: SourceLocation, tag: String?, anchor: String?, pairs: [Node.Pair], pendingKey: Node?, seen: [String: SourceLocation])
    }

    let file: String
    let limits: YAMLLimits
    private var stack: [Frame] = []
    private var root: Node?
    private var documents = 0
    private var anchors: [String: (node: Node, size: Int)] = [:]
    private var expanded = 0

    init(file: String, limits: YAMLLimits) {
        self.file = file
        self.limits = limits
    }

    /// Consumes one event; returns true at the end of the stream.
    mutating func consume(_ event: inout yaml_event_t) throws(DiagnosticError) -> Bool {
        let at = location(event.start_mark)
        switch event.type {
        case YAML_STREAM_START_EVENT, YAML_DOCUMENT_END_EVENT:
            return false
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
            try add(node, anchor: Self.string(s.anchor), size: 1)
        case YAML_SEQUENCE_START_EVENT:
            try push(at)
            let e = event.data.sequence_start
            stack.append(.sequence(start: at, tag: Self.string(e.tag), anchor: Self.string(e.anchor), items: []))
        case YAML_MAPPING_START_EVENT:
            try push(at)
            let e = event.data.mapping_start
            stack.append(.mapping(start: at, tag: Self.string(e.tag), anchor: Self.string(e.anchor), pairs: [], pendingKey: nil, seen: [:]))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let frame = stack.popLast() else { return false }
            let end = location(event.end_mark)
            switch frame {
            case let .sequence(start, tag, anchor, items):
                try add(Node(.sequence(items), at: start, end: end, tag: tag), anchor: anchor, size: 1 + items.count)
            case let .mapping(start, tag, anchor, pairs, _, _):
                try add(Node(.mapping(pairs), at: start, end: end, tag: tag), anchor: anchor, size: 1 + 2 * pairs.count)
            }
        case YAML_ALIAS_EVENT:
            let name = Self.string(event.data.alias.anchor) ?? ""
            guard let target = anchors[name] else {
                throw DiagnosticError(.error("unknown alias '*\(name)'", at: at))
            }
            expanded += target.size
            if expanded > limits.maxAliasExpansion {
                throw DiagnosticError(.error(
                    "aliases expand to more than \(limits.maxAliasExpansion) nodes; refusing (alias bomb?)", at: at))
            }
            var copy = target.node
            copy.location = at
            try add(copy, anchor: nil, size: target.size)
        default:
            return false
        }
        return false
    }

    /// The document's root, or an error for an empty stream.
    func finish() -> Result<Node, DiagnosticError> {
        guard let root, !root.isNull else {
            return .failure(DiagnosticError(.error(
                "the file is empty; expected a YAML mapping", at: SourceLocation(file: file, line: 1, column: 1))))
        }
        return .success(root)
    }

    private mutating func push(_ at: SourceLocation) throws(DiagnosticError) {
        if stack.count >= limits.maxDepth {
            throw DiagnosticError(.error("nesting deeper than \(limits.maxDepth) levels; refusing", at: at))
        }
    }

    private mutating func add(_ node: Node, anchor: String?, size: Int) throws(DiagnosticError) {
        if let anchor { anchors[anchor] = (node, size) }
        guard let top = stack.popLast() else {
            root = node
            return
        }
        switch top {
        case .sequence(let start, let tag, let a, var items):
            items.append(node)
            stack.append(.sequence(start: start, tag: tag, anchor: a, items: items))
        case .mapping(let start, let tag, let a, var pairs, let pendingKey, var seen):
            if let key = pendingKey {
                pairs.append(Node.Pair(key: key, value: node))
                stack.append(.mapping(start: start, tag: tag, anchor: a, pairs: pairs, pendingKey: nil, seen: seen))
            } else {
                if let text = node.text {
                    if let first = seen[text] {
                        throw DiagnosticError(Diagnostic(
                            .error, "duplicate key '\(text)'", at: node.location,
                            notes: [.init("first defined here", at: first)]))
                    }
                    seen[text] = node.location
                }
                stack.append(.mapping(start: start, tag: tag, anchor: a, pairs: pairs, pendingKey: node, seen: seen))
            }
        }
    }

    private func location(_ mark: yaml_mark_t) -> SourceLocation {
        SourceLocation(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1)
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
