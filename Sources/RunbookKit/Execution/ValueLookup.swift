import Foundation

/// Evaluates a template that should produce a value (a `when` condition, a `for_each` list).
///
/// A template that is one plain reference (`${{ hosts.masters }}`, `${{ params.force }}`) is looked
/// up directly so lists keep their items; anything else goes through `TemplateRenderer` as text.
enum ValueLookup {
    static func value(of template: Template, in context: EvaluationContext, renderer: TemplateRenderer)
        throws(Diagnostic) -> Value
    {
        let expressions = template.segments.compactMap { segment -> Expression? in
            if case .expression(let e, _, _) = segment { e } else { nil }
        }
        let literalsAreBlank = template.segments.allSatisfy { segment in
            if case .literal(let s) = segment { s.allSatisfy(\.isWhitespace) } else { true }
        }
        if expressions.count == 1, literalsAreBlank, let value = lookup(expressions[0], context) { return value }
        return .string(try renderer.render(template, in: context, mode: .text).text)
    }

    /// A `when`: true or false, nothing else.
    static func condition(_ template: Template, in context: EvaluationContext, renderer: TemplateRenderer)
        throws(Diagnostic) -> Bool
    {
        switch try value(of: template, in: context, renderer: renderer) {
        case .bool(let b): return b
        case .string(let s) where s.trimmingCharacters(in: .whitespacesAndNewlines) == "true": return true
        case .string(let s) where s.trimmingCharacters(in: .whitespacesAndNewlines) == "false": return false
        case let other:
            throw .error("'when' must be true or false, got \(other.typeName)", at: template.location,
                         hint: "compare explicitly, e.g. ${{ params.x == 'yes' }}")
        }
    }

    /// Resolves literals, references and constant indexes; nil for anything that needs the evaluator.
    private static func lookup(_ expression: Expression, _ context: EvaluationContext) -> Value? {
        switch expression {
        case .literal(let v): return v
        case .index(let base, .literal(.int(let i))):
            guard case .list(let l)? = lookup(base, context), l.indices.contains(i) else { return nil }
            return l[i]
        case .reference(let path): return reference(path, context)
        default: return nil
        }
    }

    private static func reference(_ path: [String], _ context: EvaluationContext) -> Value? {
        switch path.first {
        case "params" where path.count == 2: return context.params[path[1]]
        case "item" where path.count == 1: return context.item
        case "hosts" where path.count == 2:
            return context.inventory.groups[path[1]].map { .list($0.map(Value.string)) }
        case "steps" where path.count == 4 && path[2] == "outputs": return context.steps[path[1]]?.outputs[path[3]]
        case "steps" where path.count == 3 && path[2] == "status": return context.steps[path[1]].map { .string($0.status) }
        case "host" where path.count == 1: return context.host.map { .string($0.name) }
        default: return nil
        }
    }
}
