import Foundation
import RunbookCore
import RunbookEngine
import RunbookYAML

/// Symbols and colours for terminal progress: Unicode when the locale is UTF-8, ASCII
/// otherwise; colour only on a terminal and never when `NO_COLOR` is set.
public struct ProgressStyle: Sendable, Hashable {
    public var colour: Bool
    public var unicode: Bool

    public init(colour: Bool, unicode: Bool) {
        self.colour = colour
        self.unicode = unicode
    }

    /// Decides from the environment: `NO_COLOR`, `TERM=dumb`, `LC_ALL`/`LC_CTYPE`/`LANG`.
    public static func detect(isTerminal: Bool, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> ProgressStyle
    {
        let locale = environment["LC_ALL"] ?? environment["LC_CTYPE"] ?? environment["LANG"] ?? ""
        let utf8 = locale.uppercased().contains("UTF-8") || locale.uppercased().contains("UTF8")
        return ProgressStyle(colour: ColourPolicy.enabled(isTerminal: isTerminal, environment: environment), unicode: utf8)
    }

    var started: String { unicode ? "▶" : ">" }
    var succeeded: String { paint(unicode ? "✔" : "ok", 32) }
    var failed: String { paint(unicode ? "✖" : "FAIL", 31) }
    var skipped: String { paint(unicode ? "↷" : "skip", 90) }
    var retry: String { paint(unicode ? "↻" : "retry", 33) }
    var rollback: String { paint(unicode ? "↶" : "undo", 35) }
    var stopped: String { paint(unicode ? "■" : "STOP", 33) }
    var ellipsis: String { unicode ? "…" : "..." }

    func paint(_ text: String, _ code: Int) -> String { colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
    func dim(_ text: String) -> String { paint(text, 90) }
}

/// The one-line forms of events and outcomes shared by the plain and live views.
struct ProgressText: Sendable {
    var style: ProgressStyle
    var width = 100

    /// The line for an event, or nil for events that are not shown. `elapsed` is the instance's run time.
    func line(_ event: RunEvent, elapsed: Duration?) -> String? {
        // Every text from the event can hold a value (a param, a capture, an inventory var): shown escaped.
        var event = event
        event.step = event.step.map { TerminalSafe.escape($0) }
        event.message = event.message.map { TerminalSafe.escape($0) }
        let key = event.step ?? ""
        let took = elapsed.map { " " + style.dim("(\(Self.seconds($0)))") } ?? ""
        switch event.kind {
        case .stepStarted:
            let what = shorten(event.command ?? event.message ?? "")
            return what.isEmpty ? "\(style.started) \(key)" : "\(style.started) \(key) \(what)"
        case .stepSucceeded: return "\(style.succeeded) \(key)\(took)"
        case .stepFailed: return "\(style.failed) \(key)\(took): \(event.message ?? "failed")"
        case .stepSkipped: return "\(style.skipped) \(key) skipped: \(event.message ?? "")"
        case .attemptFinished:
            guard let status = event.status, !status.succeeded, status != .interrupted, event.message != "wait" else {
                return nil
            }
            return "  \(style.retry) \(key) attempt \(event.attempt ?? 1): \(status)"
        case .confirmAnswered: return "  \(key): \(event.message ?? "")"
        case .rollbackStarted: return "\(style.rollback) rolling back: \(event.message ?? "")"
        case .rollbackStepSucceeded: return "\(style.rollback) \(key) rolled back"
        case .rollbackStepFailed: return "\(style.failed) rollback of \(key) failed: \(event.message ?? "")"
        case .runInterrupted: return "\(style.stopped) \(event.message ?? "interrupted") — resume with `runbook resume`"
        default: return nil
        }
    }

    /// The closing lines for an outcome.
    func summary(_ outcome: RunOutcome) -> [String] {
        let failure = outcome.failedStep.map { " at \(TerminalSafe.escape($0))" } ?? ""
        let reason = outcome.reason.map { ": \(TerminalSafe.escape($0))" } ?? ""
        switch outcome.status {
        case .succeeded:
            let continued = outcome.continuedFailures.isEmpty ? ""
                : " (failures allowed by on_failure: continue: \(outcome.continuedFailures.joined(separator: ", ")))"
            return ["\(style.succeeded) done\(continued)"]
        case .rolledBack: return ["\(style.failed) failed\(failure)\(reason); completed steps were rolled back"]
        case .failed: return ["\(style.failed) failed\(failure)\(reason); nothing was rolled back (resumable)"]
        case .rollbackFailed:
            return ["\(style.failed) failed\(failure)\(reason); ROLLBACK INCOMPLETE — left for a human:"]
                + outcome.leftForHuman.map { "  - \(TerminalSafe.escape($0))" }
        case .interrupted, .running:
            return ["\(style.stopped) stopped\(failure)\(reason); resumable with `runbook resume`"]
        }
    }

    func shorten(_ text: String) -> String {
        let one = TerminalSafe.escape(text.split(whereSeparator: \.isNewline).joined(separator: " "))
        return one.count > width ? String(one.prefix(width)) + style.ellipsis : one
    }

    static func seconds(_ d: Duration) -> String {
        let ms = Int(d.components.seconds) * 1000 + Int(d.components.attoseconds / 1_000_000_000_000_000)
        return ms < 60_000 ? String(format: "%.1fs", Double(ms) / 1000) : TimeSpan(milliseconds: ms / 1000 * 1000).description
    }

    static func clockTime(_ date: Date = Date()) -> String {
        let c = Calendar.current.dateComponents([.hour, .minute, .second], from: date)
        return String(format: "%02d:%02d:%02d", c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }
}
