import Foundation
import enum RunbookCore.OutputStream
import RunbookCore
import RunbookEngine
import RunbookYAML

/// The terminal view: finished steps scroll by as timestamped lines while a block at the
/// bottom is redrawn with every running step — host, state, elapsed time, last output line.
public actor LiveProgress: ProgressReporter {
    private struct Row {
        var key: String
        var host: String
        var state: String
        var since: ContinuousClock.Instant
        var lastLine = ""
        var partial: [UInt8] = []
    }

    private let text: ProgressText
    private let write: @Sendable (String) -> Void
    private var rows: [String: Row] = [:]
    private var order: [String] = []
    private var drawn = 0
    private var paused = false
    private var ticker: Task<Void, Never>?
    private let columns: Int

    /// - Parameters:
    ///   - columns: terminal width; rows are cut to fit so the block never wraps.
    ///   - write: receives terminal text (default: stdout).
    public init(style: ProgressStyle, columns: Int = 100,
                write: @escaping @Sendable (String) -> Void = { StandardStream.output.write($0) }) {
        self.text = ProgressText(style: style, width: max(20, columns - 30))
        self.columns = max(40, columns)
        self.write = write
    }

    public func report(_ event: RunEvent) async {
        startTicker()
        let key = event.step ?? ""
        var elapsed: Duration?
        switch event.kind {
        case .stepStarted:
            rows[key] = Row(key: TerminalSafe.escape(key), host: TerminalSafe.escape(event.host ?? "local"), state: "running", since: .now)
            order.append(key)
        case .attemptStarted:
            rows[key]?.state = event.message == "run" ? "attempt \(event.attempt ?? 1)" : TerminalSafe.escape(event.message ?? "running")
        case .confirmAsked:
            // The approver is about to use the terminal: clear the block and keep it down until answered.
            paused = true
            clear()
        case .confirmAnswered:
            paused = false
        case .stepSucceeded, .stepFailed:
            elapsed = rows[key].map { .now - $0.since }
            rows[key] = nil
            order.removeAll { $0 == key }
        default: break
        }
        if let line = text.line(event, elapsed: elapsed) { printAbove("\(ProgressText.clockTime()) \(line)") }
        redraw()
    }

    public func output(step: String, stream: OutputStream, bytes: [UInt8]) async {
        guard var row = rows[step] else { return }
        row.partial += bytes.suffix(4096)
        if let lastNewline = row.partial.lastIndex(of: UInt8(ascii: "\n")) {
            let complete = row.partial[..<lastNewline]
            let start = complete.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? complete.startIndex
            let line = String(decoding: complete[start...], as: UTF8.self)
            if !line.trimmingCharacters(in: .whitespaces).isEmpty { row.lastLine = TerminalSafe.escape(line) }
            row.partial = Array(row.partial[(lastNewline + 1)...])
        }
        rows[step] = row
    }

    public func finish(_ outcome: RunOutcome) async {
        ticker?.cancel()
        ticker = nil
        clear()
        rows = [:]
        order = []
        for line in text.summary(outcome) { write("\(ProgressText.clockTime()) \(line)\n") }
    }

    private func startTicker() {
        guard ticker == nil else { return }
        ticker = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(250))
                await self?.redraw()
            }
        }
    }

    private func printAbove(_ line: String) {
        clear()
        write(line + "\n")
    }

    /// Erases the block drawn last.
    private func clear() {
        guard drawn > 0 else { return }
        write(String(repeating: "\u{1B}[1A\u{1B}[2K", count: drawn) + "\r")
        drawn = 0
    }

    private func redraw() {
        guard !paused else { return }
        clear()
        var block = ""
        for key in order {
            guard let row = rows[key] else { continue }
            let elapsed = ProgressText.seconds(.now - row.since)
            var line = "  \(text.style.started) \(row.key) [\(row.host)] \(row.state) \(elapsed)"
            if !row.lastLine.isEmpty { line += " " + text.style.dim("│ " + row.lastLine) }
            block += fit(line) + "\n"
        }
        write(block)
        drawn = order.count
    }

    /// Cuts a line to the terminal width (escape sequences excluded from the count) so it never wraps.
    private func fit(_ line: String) -> String {
        var visible = 0
        var out = ""
        var inEscape = false
        for c in line {
            if c == "\u{1B}" { inEscape = true }
            if !inEscape {
                if visible >= columns - 1 { break }
                visible += 1
            }
            out.append(c)
            if inEscape, c.isLetter { inEscape = false }
        }
        return text.style.colour ? out + "\u{1B}[0m" : out
    }
}
