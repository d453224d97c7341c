import RunbookYAML
import RunbookCore
import RunbookEngine

/// Test helper, NOT the real parser: builds `Template`s and model values for tests that must not
/// depend on the loader. `TestTemplate.parse` splits text on `${{ … }}` naively and understands
/// only dotted references and simple literals inside; use `TestTemplate.build` for anything richer.
public enum TestTemplate {
    /// One piece for `build`.
    public enum Part {
        case text(String)
        case expr(Expression)
    }

    /// A location in the fake file `test.yaml`.
    public static func at(_ line: Int, _ column: Int = 1, file: String = "test.yaml") -> SourceLocation {
        SourceLocation(file: file, line: line, column: column)
    }

    /// Splits `text` on `${{ … }}`; each expression gets the column of its `${{` (single-line text).
    public static func parse(_ text: String, at location: SourceLocation = at(1)) -> Template {
        var segments: [Template.Segment] = []
        var rest = Substring(text)
        var column = location.column
        while let open = rest.range(of: "${{") {
            let before = rest[..<open.lowerBound]
            if !before.isEmpty { segments.append(.literal(String(before))) }
            column += before.count
            guard let close = rest[open.upperBound...].range(of: "}}") else { break }
            let inner = String(rest[open.upperBound..<close.lowerBound])
            let source = String(rest[open.lowerBound..<close.upperBound])
            segments.append(.expression(simple(inner), source: source,
                                        location: SourceLocation(file: location.file, line: location.line, column: column)))
            column += source.count
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty { segments.append(.literal(String(rest))) }
        return Template(raw: text, segments: segments, location: location)
    }

    /// A template from explicit parts; expressions are placed at `location`.
    public static func build(_ parts: [Part], at location: SourceLocation = at(1)) -> Template {
        var raw = ""
        var segments: [Template.Segment] = []
        for part in parts {
            switch part {
            case .text(let s):
                raw += s
                segments.append(.literal(s))
            case .expr(let e):
                raw += "${{ … }}"
                segments.append(.expression(e, source: "${{ … }}", location: location))
            }
        }
        return Template(raw: raw, segments: segments, location: location)
    }

    /// `a.b.c` -> reference; `'x'` -> string; digits -> int; true/false/null.
    public static func simple(_ inner: String) -> Expression {
        let t = inner.trimmingCharacters(in: [" "])
        if t == "true" { return .literal(.bool(true)) }
        if t == "false" { return .literal(.bool(false)) }
        if t == "null" { return .literal(.null) }
        if let i = Int(t) { return .literal(.int(i)) }
        if t.count >= 2, t.hasPrefix("'"), t.hasSuffix("'") { return .literal(.string(String(t.dropFirst().dropLast()))) }
        return .reference(t.split(separator: ".").map(String.init))
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: Set<Character>) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}

/// Test helper: model values built directly, positioned in the fake file `test.yaml`.
public enum TestRunbook {
    /// A `run` step on line `line`.
    public static func run(_ id: String, _ command: String, line: Int, needs: [String]? = nil, on: String? = nil,
                           capture: [String] = [], rollback: [String] = [], when: Template? = nil,
                           forEach: ForEach? = nil) -> Step {
        Step(id: id, action: .run(TestTemplate.parse(command, at: TestTemplate.at(line, 10))),
             on: on.map { TestTemplate.parse($0, at: TestTemplate.at(line, 5)) },
             needs: needs.map { $0.enumerated().map { StepReference($1, at: TestTemplate.at(line, 20 + $0 * 5)) } },
             when: when, forEach: forEach,
             capture: capture.map { Capture(name: $0, source: .stdout, location: TestTemplate.at(line, 30)) },
             rollback: rollback.map { .run(TestTemplate.parse($0, at: TestTemplate.at(line, 40))) },
             location: TestTemplate.at(line, 3))
    }

    /// A runbook named `name` in `file` with `steps` and `params`.
    public static func make(_ name: String = "test", params: [Param] = [], steps: [Step], file: String = "test.yaml") -> Runbook {
        Runbook(name: name, params: params, steps: steps, file: file, location: SourceLocation(file: file, line: 1, column: 1))
    }

    /// A string param declared on line `line`.
    public static func param(_ name: String, _ kind: Param.Kind = .string, required: Bool = false, default value: Value? = nil,
                             pattern: String? = nil, allowed: [Value]? = nil, secret: Bool = false, line: Int = 2) -> Param {
        Param(name: name, kind: kind, required: required, defaultValue: value, pattern: pattern, allowed: allowed, secret: secret,
              location: TestTemplate.at(line, 3))
    }
}
