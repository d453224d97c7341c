import Foundation
import RunbookYAML
import RunbookCore
import enum RunbookCore.Expression

/// Evaluates a template that should produce a value (a `when` condition, a `for_each` list).
///
/// A template that is one expression (`${{ hosts.masters }}`, `${{ host != params.x }}`) is
/// evaluated as an expression so lists keep their items and booleans stay booleans; anything
/// else (text around the expression) goes through `TemplateRenderer` as text.
enum ValueLookup {
    static func value(of template: Template, in context: EvaluationContext, renderer: TemplateRenderer)
        throws(Diagnostic) -> Value
    {
        var expressions: [(Expression, SourceLocation)] = []
        var literalsAreBlank = true
        for segment in template.segments {
            switch segment {
            case .expression(let e, _, let location): expressions.append((e, location))
            case .literal(let s): literalsAreBlank = literalsAreBlank && s.allSatisfy(\.isWhitespace)
            }
        }
        if expressions.count == 1, literalsAreBlank, let (expression, location) = expressions.first {
            return try ExpressionEvaluator(context: context).evaluate(expression, at: location)
        }
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
}
