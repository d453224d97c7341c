import Foundation
import Testing
import RunbookYAML
import RunbookCore
import RunbookEngine
import RunbookTerminal

/// Control characters from values never reach the terminal raw: `plan`, plain and live progress, `audit`.
@Suite struct TerminalSafeTests {
    /// Clears the screen, sets the window title, writes the clipboard (OSC 52), overwrites the line, reverses text.
    static let hostile = "a\u{1b}[2J\u{1b}]0;t\u{07}\u{1b}]52;c;eA==\u{07}\rb\u{202e}c\u{7f}\u{85}"
    static let shown = "a\\x1b[2J\\x1b]0;t\\x07\\x1b]52;c;eA==\\x07\\rb\\u202ec\\x7f\\u0085"

    static func noControls(_ text: String) -> Bool {
        !text.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) || $0 == "\u{202e}" }
    }

    @Test func escapesControlsAndKeepsLineBreaksOnlyWhenAsked() {
        #expect(TerminalSafe.escape(Self.hostile) == Self.shown)
        #expect(TerminalSafe.escape("x\n\ty") == "x\\n\\ty")
        #expect(TerminalSafe.escape("x\n\ty\r", keepLineBreaks: true) == "x\n\ty\\r")
        #expect(TerminalSafe.escape("node1 'a b' é 日本 🦀") == "node1 'a b' é 日本 🦀")
    }

    @Test func planTextShowsValuesEscaped() {
        let s = PlannedStep(id: "s", title: nil, source: nil, location: "rb.yaml:3:5", action: "run", changesState: true,
                            level: 0, dependsOn: [], hosts: ["m1"], forEach: nil, when: nil,
                            invocations: [PlannedInvocation(host: "m1", command: "echo '\(Self.hostile)'\necho ok")], rollback: [],
                            captures: [], timeout: nil, retries: nil, onFailure: "rollback", idempotent: false, parent: nil, maxParallel: nil)
        let plan = Plan(runbook: "rb", title: nil, source: nil, file: "rb.yaml", params: [], inventory: nil, levels: [["s"]], steps: [s])
        let text = PlanTextRenderer().render(plan)
        #expect(text.contains("echo '\(Self.shown)'\n"))
        #expect(Self.noControls(text))
    }

    @Test func plainAndLiveProgressShowValuesEscaped() async {
        let plain = Collected()
        let p = PlainProgress(style: ProgressStyle(colour: false, unicode: false), write: { plain.append($0) })
        await p.report(RunEvent(.stepStarted, step: "a", host: "m0", command: "echo \(Self.hostile)"))
        await p.report(RunEvent(.stepFailed, step: "a", message: Self.hostile))
        await p.finish(RunOutcome(status: .failed, state: RunState(), failedStep: "a", reason: Self.hostile))
        // A command's line breaks (`\r`, NEL) become spaces on its one progress line; the rest is escaped.
        #expect(plain.lines[0] == "> a echo a\\x1b[2J\\x1b]0;t\\x07\\x1b]52;c;eA==\\x07 b\\u202ec\\x7f")
        #expect(plain.lines[1].hasSuffix("): \(Self.shown)"))
        #expect(Self.noControls(plain.value))

        let live = Collected()
        let l = LiveProgress(style: ProgressStyle(colour: false, unicode: true), columns: 200, write: { live.append($0) })
        await l.report(RunEvent(.stepStarted, step: "a", host: "m0", command: "true"))
        await l.output(step: "a", stream: .stdout, bytes: Array("\(Self.hostile)\n".utf8))
        await l.report(RunEvent(.attemptStarted, step: "a", attempt: 1, message: "run"))
        #expect(live.value.contains("│ \(Self.shown)"))
        // The view's own cursor movements are the only escapes it writes.
        let own = live.value.replacingOccurrences(of: "\u{1b}[1A\u{1b}[2K", with: "").replacingOccurrences(of: "\r", with: "")
        #expect(Self.noControls(own))
    }

    @Test func auditShowsValuesEscaped() {
        let record = JournalRecord(sequence: 1, timestamp: "2026-11-30T10:00:00Z", run: "r", operatorName: "op",
                                   event: RunEvent(.stepStarted, step: "a", host: "m0", command: "echo \(Self.hostile)"),
                                   previousHash: "")
        let text = AuditTimeline().render([record])
        #expect(text.contains("echo a\\x1b[2J"))
        #expect(Self.noControls(text))
    }
}
