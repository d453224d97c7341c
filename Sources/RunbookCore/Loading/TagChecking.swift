import RunbookYAML

/// Refuses YAML tags the format does not use; only the standard core tags are allowed.
extension RunbookDecoder {
    static let standardTags: Set<String> = [
        "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null",
        "tag:yaml.org,2002:float", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map",
    ]

    /// What a standard tag says the node is; a tag that contradicts the node (`steps: !!map [..]`)
    /// is refused rather than silently ignored.
    static let collectionTags: [String: String] = [
        "tag:yaml.org,2002:seq": "a list", "tag:yaml.org,2002:map": "a mapping",
        "tag:yaml.org,2002:str": "a scalar", "tag:yaml.org,2002:int": "a scalar", "tag:yaml.org,2002:bool": "a scalar",
        "tag:yaml.org,2002:null": "a scalar", "tag:yaml.org,2002:float": "a scalar",
    ]

    static func kindWord(_ node: Node) -> String {
        switch node.kind {
        case .scalar: "a scalar"
        case .sequence: "a list"
        case .mapping: "a mapping"
        }
    }

    /// Reports every non-standard tag in the tree (depth is bounded by the YAML layer, so recursion is safe).
    mutating func checkTags(_ node: Node) {
        if let tag = node.tag, !Self.standardTags.contains(tag) {
            let shown = tag.hasPrefix("tag:yaml.org,2002:") ? "!!" + tag.dropFirst("tag:yaml.org,2002:".count) : tag
            error("unsupported YAML tag '\(shown)'", at: node.location,
                  hint: "runbooks use plain YAML values; remove the tag")
        }
        if let tag = node.tag, let expected = Self.collectionTags[tag], expected != Self.kindWord(node) {
            let shown = "!!" + tag.dropFirst("tag:yaml.org,2002:".count)
            error("YAML tag '\(shown)' on \(node.kindName): the tag says \(expected)", at: node.location,
                  hint: "remove the tag")
        }
        switch node.kind {
        case .scalar: break
        case .sequence(let items): for item in items { checkTags(item) }
        case .mapping(let pairs):
            for pair in pairs {
                checkTags(pair.key)
                checkTags(pair.value)
            }
        }
    }
}
