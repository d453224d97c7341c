import RunbookYAML

/// Templates (`${{ … }}` text) and bare expressions from nodes, with their references checked.
extension RunbookDecoder {
    /// The names an expression may start with.
    static let referenceRoots = ["params", "steps", "hosts", "item", "host"]

    /// A scalar parsed as a template; expression positions come from the file itself.
    mutating func template(_ node: Node) -> Template? {
        guard let text = string(node) else { return nil }
        return template(text, node: node)
    }

    /// `text` (the node's own text, or a part of it) parsed as a template.
    mutating func template(_ text: String, node: Node) -> Template? {
        // A C string ends at its first NUL: the shell would run only the text before it, not the
        // command the plan shows (values are checked likewise when rendered: TemplateRenderer).
        if text.utf8.contains(0) {
            error("this text contains a NUL byte, which no command, file or terminal can take", at: node.location,
                  hint: "remove the NUL byte (\\0)")
            return nil
        }
        guard Self.holdsExpression(text) else { return .literal(text, at: node.location) }
        let openings = node.end.map { source.openings(from: node.location, to: $0) } ?? []
        let (template, problems) = TemplateParser.parse(text, at: node.location, openings: openings)
        report(problems)
        for segment in template.segments {
            if case .expression(let e, _, let location) = segment { checkReferences(e, at: location, end: node.end) }
        }
        return problems.isEmpty ? template : nil
    }

    /// A condition written with `${{ }}` (one expression) or bare (`params.force`), as a one-expression template.
    mutating func expressionTemplate(_ node: Node, key: String) -> Template? {
        guard let text = string(node) else { return nil }
        if Self.holdsExpression(text) {
            guard let t = template(text, node: node) else { return nil }
            let expressions = t.segments.filter { if case .expression = $0 { true } else { false } }
            let strayText = t.segments.contains { if case .literal(let s) = $0 { !s.trimmingWhitespace.isEmpty } else { false } }
            if expressions.count != 1 || strayText {
                error("'\(key.clipped)' takes one expression, found text around it", at: node.location,
                      hint: "write the whole condition inside one ${{ … }}")
                return nil
            }
            return t
        }
        var column = node.location
        if node.scalarStyle != .plain { column.column += 1 }
        let (expression, problems) = TemplateParser.parseExpression(text, at: column)
        report(problems)
        guard let expression else { return nil }
        checkReferences(expression, at: node.location, end: node.end)
        return Template(raw: text, segments: [.expression(expression, source: text.trimmingWhitespace, location: node.location)],
                        location: node.location)
    }

    /// True when the text has a `${{` (a byte scan: most scalars have none, and this runs for every one).
    static func holdsExpression(_ text: String) -> Bool {
        var utf8 = text.utf8.makeIterator()
        var run = 0
        while let b = utf8.next() {
            if b == UInt8(ascii: "$") {
                run = 1
            } else if b == UInt8(ascii: "{"), run > 0 {
                run += 1
                if run == 3 { return true }
            } else {
                run = 0
            }
        }
        return false
    }

    /// Reports references whose root is unknown and `params.x` for undeclared params.
    mutating func checkReferences(_ expression: Expression, at location: SourceLocation, end: SourceLocation?) {
        switch expression {
        case .literal: break
        case .reference(let path):
            checkReference(path, at: location, end: end)
        case .index(let a, let b), .binary(_, let a, let b):
            checkReferences(a, at: location, end: end)
            checkReferences(b, at: location, end: end)
        case .not(let a):
            checkReferences(a, at: location, end: end)
        case .conditional(let a, let b, let c):
            checkReferences(a, at: location, end: end)
            checkReferences(b, at: location, end: end)
            checkReferences(c, at: location, end: end)
        case .call(_, let arguments):
            for a in arguments { checkReferences(a, at: location, end: end) }
        }
    }

    private mutating func checkReference(_ path: [String], at expressionStart: SourceLocation, end: SourceLocation?) {
        guard let root = path.first else { return }
        // Point at the reference itself when it can be found in the file; else at the expression.
        let location = source.find(path.prefix(2).joined(separator: "."), inExpressionAt: expressionStart, end: end) ?? expressionStart
        guard Self.referenceRoots.contains(root) else {
            let hint = root == "inventory" ? "use hosts.<group> for the host names of a group"
                : DidYouMean.suggestion(for: root, among: Self.referenceRoots).map { "did you mean '\($0)'?" }
                ?? "references start with params., steps., hosts., item or host"
            error("unknown name '\(root.clipped)' in expression", at: location, hint: hint)
            return
        }
        guard root == "params" else { return }
        guard path.count >= 2 else {
            error("'params' needs a param name, such as params.node", at: location)
            return
        }
        let name = path[1]
        if !paramNames.contains(name) {
            let hint = DidYouMean.suggestion(for: name, among: paramNames).map { "did you mean 'params.\($0)'?" }
                ?? "declare it under 'params:'"
            error("unknown param '\(name.clipped)'", at: location, hint: hint)
        }
    }
}
