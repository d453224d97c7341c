import RunbookYAML

/// `rollback`: a command, or a list of commands, `{ run: … }` items and file actions.
extension RunbookDecoder {
    mutating func rollback(_ node: Node) -> [RollbackAction] {
        if node.isScalar { return command(node, of: "rollback").map { [.run($0)] } ?? [] }
        guard let items = node.items else {
            error("expected a command or a list for 'rollback', found \(Self.found(node))", at: node.location, hint: Self.rollbackHint)
            return []
        }
        return items.compactMap { rollbackItem($0) }
    }

    private static let rollbackHint = "each rollback item is a command string, { run: CMD } or a file action such as { move: { from: …, to: … } }"

    private mutating func rollbackItem(_ node: Node) -> RollbackAction? {
        if node.isScalar { return command(node, of: "rollback").map(RollbackAction.run) }
        guard let pairs = node.pairs, pairs.count == 1, let key = pairs[0].key.text else {
            error("expected a command, { run: CMD } or one file action as a rollback item, found \(Self.found(node))"
                    + (node.pairs.map { $0.count > 1 ? " with \($0.count) keys" : "" } ?? ""),
                  at: node.location, hint: Self.rollbackHint)
            return nil
        }
        let value = pairs[0].value
        if key == "run" { return command(value, of: "run").map(RollbackAction.run) }
        if key == "fetch" {
            error("a rollback cannot fetch a file", at: pairs[0].key.location,
                  hint: "fetch in a step of its own; nothing rolls a fetch back (a fetched backup is kept)")
            return nil
        }
        if Self.fileActionKeys.contains(key) { return fileAction(key, value).map(RollbackAction.file) }
        let allowed = ["run"] + Self.fileActionKeys.filter { $0 != "fetch" }
        error("unknown rollback action '\(key.clipped)'\(DidYouMean.clause(for: key, among: allowed))", at: pairs[0].key.location,
              hint: Self.rollbackHint)
        return nil
    }
}
