/// `# runbook-lint: disable=RULE[,RULE…]` comments, read from the runbook's text (YAML drops
/// comments, so they are found by line): a comment on a step's first line, or on the comment
/// lines directly above it, silences those rules for that step. `disable=all` silences every rule.
public struct LintSuppressions: Sendable {
    private let lines: [Substring]

    /// Reads the comments of `text`.
    public init(text: String) {
        lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// The rules disabled for a step whose mapping starts on `line` (1-based).
    public func disabled(atStepLine line: Int) -> Set<String> {
        var names = Set<String>()
        guard line >= 1, line <= lines.count else { return names }
        names.formUnion(Self.rules(in: lines[line - 1]))
        var above = line - 2
        while above >= 0, lines[above].drop(while: { $0 == " " }).hasPrefix("#") {
            names.formUnion(Self.rules(in: lines[above]))
            above -= 1
        }
        return names
    }

    private static let marker = "runbook-lint: disable="

    private static func rules(in line: Substring) -> Set<String> {
        guard let hash = line.firstIndex(of: "#"), let range = line[hash...].range(of: marker) else { return [] }
        let list = line[range.upperBound...].prefix { !$0.isWhitespace }
        return Set(list.split(separator: ",").map(String.init))
    }
}
