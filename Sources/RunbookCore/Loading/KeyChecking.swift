import RunbookYAML

/// The entries of a YAML mapping by key, after unknown and missing keys were reported.
///
/// Entries are searched linearly: runbook mappings hold a handful of keys, and hashing them
/// cost more than scanning (measured with bench/parse.sh).
struct Fields {
    let node: Node
    /// The mapping's pairs, shared with `node` (no copy); entries index into it.
    private let pairs: Node.Pairs
    private var entries: [(key: String, index: Int)] = []

    init(node: Node, pairs: Node.Pairs) {
        self.node = node
        self.pairs = pairs
    }

    fileprivate mutating func add(_ key: String, at index: Int) { entries.append((key, index)) }

    /// Keys in the order written.
    var keys: [String] { entries.map(\.key) }

    subscript(key: String) -> Node? { entries.first { $0.key == key }.map { pairs[$0.index].value } }

    /// Where the key itself is written (errors about the key, not its value, point here).
    func keyLocation(_ key: String) -> SourceLocation? { entries.first { $0.key == key }.map { pairs[$0.index].key.location } }

    func has(_ key: String) -> Bool { entries.contains { $0.key == key } }
}

extension RunbookDecoder {
    /// Checks that `node` is a mapping whose keys are all in `allowed` and that has every `required` key.
    /// - Parameter what: how the mapping is named in messages ("step 'cordon'", "the runbook").
    /// - Returns: nil (after reporting) when `node` is not a mapping.
    mutating func fields(_ node: Node, of what: String, allowed: [String], required: [String] = []) -> Fields? {
        guard let pairs = node.pairs else {
            error("expected a mapping for \(what), found \(Self.found(node))", at: node.location,
                  hint: "write it as 'key: value' lines; allowed keys: \(allowed.joined(separator: ", "))")
            return nil
        }
        var fields = Fields(node: node, pairs: pairs)
        for (index, pair) in pairs.enumerated() {
            guard let key = pair.key.scalar?.text, !pair.key.isNull || pair.key.scalarStyle != .plain else {
                error("expected a name as a key in \(what), found \(Self.found(pair.key))", at: pair.key.location)
                continue
            }
            if allowed.contains(key) {
                fields.add(key, at: index)
            } else if let suggestion = DidYouMean.suggestion(for: key, among: allowed) {
                error("unknown key '\(key.clipped)' in \(what) (did you mean '\(suggestion)'?)", at: pair.key.location)
            } else {
                error("unknown key '\(key.clipped)' in \(what)", at: pair.key.location,
                      hint: "allowed keys: \(allowed.joined(separator: ", "))")
            }
        }
        for key in required where !fields.has(key) {
            error("missing required key '\(key.clipped)' in \(what)", at: node.location)
        }
        return fields
    }
}
