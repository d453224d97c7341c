import RunbookYAML

/// Refuses YAML tags the format does not use; only the standard core tags are allowed.
extension RunbookDecoder {
    static let standardTags: Set<String> = [
        "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null",
        "tag:yaml.org,2002:float", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map",
    ]

    /// Reports every non-standard tag in the tree (depth is bounded by the YAML layer, so recursion is safe).
    mutating func checkTags(_ node: Node) {
        if let tag = node.tag, !Self.standardTags.contains(tag) {
            let shown = tag.hasPrefix("tag:yaml.org,2002:") ? "!!" + tag.dropFirst("tag:yaml.org,2002:".count) : tag
            error("unsupported YAML tag '\(shown)'", at: node.location,
                  hint: "runbooks use plain YAML values; remove the tag")
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
