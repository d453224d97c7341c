import Foundation
import RunbookCore

/// Takes a step's `capture` values from its stdout.
enum Captures {
    /// Why a capture found nothing: the step fails rather than go on with an empty value.
    struct Failure: Error, Sendable {
        var message: String
    }

    static func extract(_ captures: [Capture], from output: CapturedOutput) -> Result<[String: Value], Failure> {
        var values: [String: Value] = [:]
        let stdout = output.stdoutText
        for capture in captures {
            switch capture.source {
            case .stdout:
                var text = stdout
                if text.hasSuffix("\n") { text.removeLast() }
                values[capture.name] = .string(text)
            case .regex(let pattern):
                guard let regex = try? NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines]) else {
                    return .failure(Failure(message: "capture \(capture.name): invalid regular expression '\(pattern)'"))
                }
                guard let match = regex.firstMatch(in: stdout, range: NSRange(stdout.startIndex..., in: stdout)) else {
                    return .failure(Failure(message: "capture \(capture.name): '\(pattern)' matched nothing in stdout"))
                }
                let range = match.numberOfRanges > 1 ? match.range(at: 1) : match.range
                let text = Range(range, in: stdout).map { String(stdout[$0]) } ?? ""
                values[capture.name] = .string(text)
            case .jsonPath(let p):
                guard let path = JSONPath(p) else {
                    return .failure(Failure(message: "capture \(capture.name): unsupported JSON path '\(p)'"))
                }
                switch path.lookup(inJSON: stdout) {
                case .failure(let e): return .failure(Failure(message: "capture \(capture.name): \(e.message)"))
                case .success(nil): return .failure(Failure(message: "capture \(capture.name): \(p) not found in stdout"))
                case .success(let v?): values[capture.name] = v
                }
            }
        }
        return .success(values)
    }
}
