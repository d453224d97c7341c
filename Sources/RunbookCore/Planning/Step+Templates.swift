import RunbookYAML

extension Step {
    /// Every template of the step except its `for_each` items, for static checks.
    var templates: [Template] {
        var out: [Template] = []
        if let on { out.append(on) }
        if let when { out.append(when) }
        out += Self.templates(of: action)
        for r in rollback {
            switch r {
            case .run(let t): out.append(t)
            case .file(let f): out += Self.templates(of: f)
            }
        }
        if let verify { out += Self.templates(of: verify) }
        return out
    }

    /// The `for_each` templates, which are evaluated before `item` exists.
    var forEachTemplates: [Template] {
        switch forEach?.items {
        case .list(let l): l
        case .expression(let t): [t]
        case nil: []
        }
    }

    static func templates(of action: Action) -> [Template] {
        switch action {
        case .run(let t): [t]
        case .check(let c), .wait(let c): templates(of: c)
        case .confirm(let c): [c.prompt, c.answer]
        case .use(let u): u.with.map(\.value)
        case .file(let f): templates(of: f)
        }
    }

    static func templates(of condition: Condition) -> [Template] {
        var out = [condition.command]
        let e = condition.expect
        out += [e.stdoutContains, e.stdoutNotContains, e.stderrContains].compactMap { $0 }
        switch e.json?.test {
        case .equals(let t): out.append(t)
        case .oneOf(let ts): out += ts
        default: break
        }
        return out
    }

    static func templates(of file: FileAction) -> [Template] {
        switch file {
        case .edit(let path, let edits, _):
            var out = [path]
            for edit in edits {
                switch edit {
                case .replace(let p, let w): out += [p, w]
                case .deleteLines(let p): out.append(p)
                case .ensureLine(let l, let after): out += [l] + (after.map { [$0] } ?? [])
                case .setKey(let k, let v): out += [k, v]
                }
            }
            return out
        case .copy(let a, let b), .move(let a, let b): return [a, b]
        case .archive(let paths, let to): return paths + [to]
        case .write(let p, let c): return [p, c]
        case .fetch(let from, let to, let passphrase): return [from, to] + (passphrase.map { [$0] } ?? [])
        }
    }
}

extension Template {
    /// The expressions in the template with where each starts.
    var expressions: [(Expression, SourceLocation)] {
        segments.compactMap { segment in
            if case .expression(let e, _, let at) = segment { return (e, at) }
            return nil
        }
    }
}

extension Expression {
    /// Every reference path in the expression, depth first.
    var references: [[String]] {
        switch self {
        case .literal: []
        case .reference(let p): [p]
        case .index(let a, let b), .binary(_, let a, let b): a.references + b.references
        case .not(let a): a.references
        case .conditional(let a, let b, let c): a.references + b.references + c.references
        case .call(_, let args): args.flatMap(\.references)
        }
    }

    /// Every sub-expression including itself, depth first.
    var subexpressions: [Expression] {
        switch self {
        case .literal, .reference: [self]
        case .index(let a, let b), .binary(_, let a, let b): [self] + a.subexpressions + b.subexpressions
        case .not(let a): [self] + a.subexpressions
        case .conditional(let a, let b, let c): [self] + a.subexpressions + b.subexpressions + c.subexpressions
        case .call(_, let args): [self] + args.flatMap(\.subexpressions)
        }
    }
}
