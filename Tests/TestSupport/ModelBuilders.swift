import RunbookYAML
import RunbookCore
import RunbookEngine

/// A position for values built in tests.
public let testLocation = SourceLocation(file: "test.yaml", line: 1, column: 1)

extension Template {
    /// A literal template (no expressions: those need the expressions work's parser).
    public static func test(_ text: String) -> Template { .literal(text, at: testLocation) }

    /// A template that is one expression, e.g. `.expr(.reference(["params", "x"]))`, with literal text around it.
    public static func expr(_ expression: Expression, before: String = "", after: String = "") -> Template {
        var segments: [Segment] = []
        if !before.isEmpty { segments.append(.literal(before)) }
        segments.append(.expression(expression, source: "${{ … }}", location: testLocation))
        if !after.isEmpty { segments.append(.literal(after)) }
        return Template(raw: before + "${{ … }}" + after, segments: segments, location: testLocation)
    }
}

extension Condition {
    /// A condition whose command is literal.
    public static func test(_ command: String, expect: Expectation = Expectation(), timeout: TimeSpan? = nil,
                            interval: TimeSpan? = nil) -> Condition {
        Condition(command: .test(command), expect: expect, timeout: timeout, interval: interval, location: testLocation)
    }
}

extension Step {
    /// A step with a literal `run` command.
    public static func run(_ id: String, _ command: String, needs: [String]? = nil, rollback: [String] = [],
                           onFailure: FailurePolicy = .rollback) -> Step {
        Step(id: id, action: .run(.test(command)), needs: needs.map { $0.map { StepReference($0, at: testLocation) } },
             rollback: rollback.map { .run(.test($0)) }, onFailure: onFailure, location: testLocation)
    }

    /// A step with any action.
    public static func test(_ id: String, _ action: Action, needs: [String]? = nil) -> Step {
        Step(id: id, action: action, needs: needs.map { $0.map { StepReference($0, at: testLocation) } },
             location: testLocation)
    }
}

extension Runbook {
    /// A runbook named `test` with these steps.
    public static func test(_ steps: [Step], name: String = "test", params: [Param] = []) -> Runbook {
        Runbook(name: name, params: params, steps: steps, file: "\(name).yaml", location: testLocation)
    }
}
