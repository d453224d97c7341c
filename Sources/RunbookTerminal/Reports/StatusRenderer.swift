import RunbookEngine

/// The text of `runbook status RUN`: where the run is, what is left, how to resume it.
public struct StatusRenderer: Sendable {
    /// A renderer.
    public init() {}

    /// The report for a run.
    public func render(_ report: RunReport) -> String {
        let m = report.metadata
        let state = report.state
        var out = [
            "run:      \(m.runID)",
            "runbook:  \(m.runbook) (\(m.file))",
            "started:  \(m.started) by \(m.operatorName)",
            "status:   \(describe(report))\(state.rollingBack ? " (rolling back)" : "")",
        ]
        out.append("")
        let index = Dictionary(report.stepIDs.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        let known = state.steps.values.map { (index[StepKey.stepID(of: $0.key)] ?? Int.max, $0) }
            .sorted { ($0.0, $0.1.key) < ($1.0, $1.1.key) }.map(\.1)
        var table = TextTable(header: ["STEP", "STATE", "ATTEMPTS"])
        for record in known {
            let status = record.rollbackInFlight ? "rollback in flight" : label(record.status)
            table.rows.append([record.key, status, String(record.attempts)])
        }
        for id in report.notStarted { table.rows.append([id, "not started", "0"]) }
        out.append(table.render())
        out.append(contentsOf: report.notes.map { "note: \($0.message)" })
        if !report.keptElsewhere.isEmpty {
            out.append("not in the team store (past its cap), kept on the machine that ran the step:")
            for (file, kept) in report.keptElsewhere.sorted(by: { $0.key < $1.key }) {
                out.append("  \(file): \(kept.machine):\(kept.path)")
            }
        }
        out.append("")
        out.append(contentsOf: nextSteps(report))
        return out.joined(separator: "\n")
    }

    private func nextSteps(_ report: RunReport) -> [String] {
        let id = report.metadata.runID
        if report.isLive {
            return ["another process is driving this run; watch it with: runbook status \(id)"]
        }
        guard report.isResumable else { return ["nothing left to do"] }
        var lines: [String] = []
        let inFlight = report.state.inFlightSteps
        let rollback = report.state.steps.values.filter(\.rollbackInFlight).map(\.key).sorted()
        if report.state.rollingBack {
            let left = report.state.rollbackRemaining
            lines.append("left: rollback of \(left.isEmpty ? "nothing" : left.joined(separator: ", "))")
        } else {
            let left = report.state.steps.values.filter { $0.status == .inFlight || $0.status == .failed }
                .map(\.key).sorted() + report.notStarted
            lines.append("left: \(left.isEmpty ? "nothing" : left.joined(separator: ", "))")
        }
        if !inFlight.isEmpty || !rollback.isEmpty {
            lines.append("in flight when the run stopped: \((inFlight + rollback).joined(separator: ", "))")
            lines.append("  idempotent steps are re-run, steps with `verify` are checked first; for the others")
            lines.append("  decide by hand with --rerun STEP or --skip STEP")
        }
        lines.append("resume:   runbook resume \(id)")
        return lines
    }

    private func label(_ s: RunState.StepStatus) -> String {
        switch s {
        case .inFlight: "in flight"
        case .succeeded: "succeeded"
        case .failed: "failed"
        case .skipped: "skipped"
        case .rolledBack: "rolled back"
        case .rollbackFailed: "rollback failed"
        }
    }

    private func describe(_ report: RunReport) -> String {
        if report.isLive {
            guard let driver = report.driver else { return "running" }
            return "running (\(HolderText.describe(driver)), since \(driver.since))"
        }
        return switch report.state.status {
        case .running: "running"
        case .succeeded: "succeeded"
        case .rolledBack: "failed and rolled back"
        case .failed: "failed (resumable)"
        case .rollbackFailed: "rollback failed: a human must look"
        case .interrupted: "interrupted (resumable)"
        }
    }
}
