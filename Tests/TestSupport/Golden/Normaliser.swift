import Foundation

/// Makes the output of a real run comparable with a golden file by replacing what legitimately
/// changes from one run to the next with fixed placeholders. The rules, applied in this order:
///
/// 1. `literals`: each given text by its placeholder, longest text first (a test passes what it
///    knows exactly: its scratch directory → `<scratch>`, the run id → `<run>`, …);
/// 2. run ids `YYYYMMDD-HHMMSS-NAME-xxxx` → `<run-id>`;
/// 3. RFC 3339 times `2026-11-27T20:00:00.123Z` → `<time>`, then clock times `20:00:00(.123)` → `<clock>`;
/// 4. durations: `"durationMs":N` → `"durationMs":<ms>`, a word such as `1.5s`, `12ms`, `3m` → `<duration>`;
/// 5. SHA-256 digests (64 lowercase hex digits) → `<sha256>`, except the 64 zeros of a first
///    journal line's `prev`, which are always the same;
/// 6. process ids: `"pid":N` → `"pid":<pid>`, `pid N` → `pid <pid>`, and an `attemptProcess`
///    line's `"group":N`, `"start":"N"`, `"boot":"<uuid>"` → `<group>`, `<start>`, `<boot>`.
///
/// Everything else (step keys, commands, statuses, byte counts, order of lines) is kept, so a
/// golden file still catches a change in what a run did or how it is shown.
public struct Normaliser: Sendable {
    /// Exact texts and their placeholders (rule 1).
    public var literals: [(text: String, placeholder: String)]

    public init(_ literals: [(text: String, placeholder: String)] = []) {
        self.literals = literals
    }

    /// The rules 2–6 as (regular expression, replacement template).
    public static let rules: [(pattern: String, template: String)] = [
        (#"\b\d{8}-\d{6}-[A-Za-z0-9._-]+-[0-9a-f]{4}\b"#, "<run-id>"),
        (#"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})"#, "<time>"),
        (#"\b\d{2}:\d{2}:\d{2}(\.\d+)?\b"#, "<clock>"),
        (#""durationMs":\d+"#, #""durationMs":<ms>"#),
        (#"(?<![\w.])\d+(\.\d+)?(ms|s|m)\b"#, "<duration>"),
        (#"\b(?!0{64}\b)[0-9a-f]{64}\b"#, "<sha256>"),
        (#""pid":\d+"#, #""pid":<pid>"#),
        (#"\bpid \d+\b"#, "pid <pid>"),
        (#""group":\d+"#, #""group":<group>"#),
        (#""start":"\d+""#, #""start":"<start>""#),
        (#""boot":"[0-9a-f-]{36}""#, #""boot":"<boot>""#),
    ]

    private static let compiled: [(NSRegularExpression, String)] = rules.compactMap { rule in
        (try? NSRegularExpression(pattern: rule.pattern)).map { ($0, rule.template) }
    }

    /// `text` with every rule applied.
    public func callAsFunction(_ text: String) -> String {
        var result = text
        for literal in literals.sorted(by: { $0.text.count > $1.text.count }) where !literal.text.isEmpty {
            result = result.replacingOccurrences(of: literal.text, with: literal.placeholder)
        }
        for (expression, template) in Self.compiled {
            result = expression.stringByReplacingMatches(
                in: result, range: NSRange(result.startIndex..., in: result), withTemplate: template)
        }
        return result
    }
}
