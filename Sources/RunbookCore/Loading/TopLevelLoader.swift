import RunbookYAML

/// The top-level mapping: name, metadata, version, params and the step list.
extension RunbookDecoder {
    static let topLevelKeys = ["version", "runbook", "title", "description", "source", "lock", "params", "steps"]

    /// The whole runbook, or nil when something required could not be read (problems are in `diagnostics`).
    mutating func runbook(from root: Node) -> Runbook? {
        checkTags(root)
        guard root.pairs != nil else {
            error("expected a mapping at the top level, found \(Self.found(root))", at: root.location,
                  hint: "a runbook starts with 'runbook: NAME' and a list of 'steps:'")
            return nil
        }
        guard let fields = fields(root, of: "the runbook", allowed: Self.topLevelKeys, required: ["runbook", "steps"]) else {
            return nil
        }
        var version = Runbook.supportedVersion
        if let node = fields["version"], let v = int(node, atLeast: 1) {
            version = v
            if v > Runbook.supportedVersion {
                error("this runbook needs format version \(v); this runbook supports up to \(Runbook.supportedVersion)",
                      at: node.location, hint: "upgrade runbook, or write the runbook for version \(Runbook.supportedVersion)")
            }
        }
        let name = fields["runbook"].flatMap { self.name($0, rule: .runbook, what: "runbook name") }
        let title = fields["title"].flatMap { string($0) }
        let description = fields["description"].flatMap { string($0) }
        let source = fields["source"].flatMap { string($0) }
        let declared = fields["params"].map { self.params(from: $0) } ?? []
        paramNames = declared.map(\.name)
        let lock = fields["lock"].flatMap { template($0) }
        let stepList = fields["steps"].flatMap { self.steps(from: $0) }
        guard let name, let stepList, let runbookNode = fields["runbook"] else { return nil }
        return Runbook(
            name: name, title: title, description: description, source: source, version: version,
            params: declared, lock: lock, steps: stepList, file: file, location: runbookNode.location)
    }
}
