import Foundation
import RunbookYAML
import RunbookCore

/// Checks an `expect` against one command result; says which predicate failed.
struct ExpectationCheck: Sendable {
    var renderer: TemplateRenderer
    var context: EvaluationContext

    /// nil when every predicate holds, else the first that does not, in words.
    func failure(of expect: Expectation, status: ExitStatus, output: CapturedOutput) -> String? {
        guard status == .exited(Int32(clamping: expect.exit)) else {
            return expect.exit == 0 ? "\(status)" : "expected exit \(expect.exit), got \(status)"
        }
        let out = output.stdoutText
        let err = output.stderrText
        do {
            if let t = expect.stdoutContains, case let s = try text(t), !out.contains(s) {
                return "stdout does not contain '\(display(t, s))'"
            }
            if let t = expect.stdoutNotContains, case let s = try text(t), !s.isEmpty, out.contains(s) {
                return "stdout contains '\(display(t, s))'"
            }
            if let t = expect.stderrContains, case let s = try text(t), !err.contains(s) {
                return "stderr does not contain '\(display(t, s))'"
            }
        } catch {
            return error.description
        }
        if let p = expect.stdoutMatches, let why = search(p, in: out, want: true, stream: "stdout") { return why }
        if let p = expect.stdoutNotMatches, let why = search(p, in: out, want: false, stream: "stdout") { return why }
        if let p = expect.stderrMatches, let why = search(p, in: err, want: true, stream: "stderr") { return why }
        if let json = expect.json { return jsonFailure(json, stdout: out) }
        return nil
    }

    private func text(_ t: Template) throws(Diagnostic) -> String {
        try renderer.render(t, in: context, mode: .text).text
    }

    /// The redacted form when the expected text holds a secret.
    private func display(_ t: Template, _ s: String) -> String {
        (try? renderer.render(t, in: context, mode: .text).redacted) ?? s
    }

    private func search(_ pattern: String, in text: String, want: Bool, stream: String) -> String? {
        guard let regex = try? NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines]) else {
            return "invalid regular expression '\(pattern)'"
        }
        let found = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        if found == want { return nil }
        return want ? "\(stream) does not match '\(pattern)'" : "\(stream) matches '\(pattern)'"
    }

    private func jsonFailure(_ json: JSONExpectation, stdout: String) -> String? {
        guard let path = JSONPath(json.path) else { return "unsupported JSON path '\(json.path)'" }
        let found: Value?
        switch path.lookup(inJSON: stdout) {
        case .success(let v): found = v
        case .failure(let e): return e.message
        }
        do {
            switch json.test {
            case .exists(let want):
                if (found != nil) == want { return nil }
                return want ? "\(json.path) does not exist" : "\(json.path) exists"
            case .equals(let t):
                let expected = try text(t)
                guard let found else { return "\(json.path) does not exist" }
                return Self.jsonText(found) == expected ? nil
                    : "\(json.path) is '\(Self.jsonText(found))', expected '\(display(t, expected))'"
            case .oneOf(let ts):
                var allowed: [String] = []
                for t in ts { allowed.append(try text(t)) }
                guard let found else { return "\(json.path) does not exist" }
                return allowed.contains(Self.jsonText(found)) ? nil
                    : "\(json.path) is '\(Self.jsonText(found))', expected one of \(allowed.joined(separator: ", "))"
            }
        } catch {
            return error.description
        }
    }

    /// How a JSON value compares with text written in a runbook: strings as they are, `null` as `null`.
    static func jsonText(_ value: Value) -> String {
        if case .null = value { return "null" }
        return value.description
    }
}
