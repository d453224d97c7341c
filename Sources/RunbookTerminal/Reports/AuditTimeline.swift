import RunbookEngine
import RunbookYAML

/// The readable timeline of `runbook audit RUN`: one row per journal line.
public struct AuditTimeline: Sendable {
    /// A timeline renderer.
    public init() {}

    /// Columns: time, operator, event, step@host, command, exit, duration.
    public func render(_ records: [JournalRecord]) -> String {
        var table = TextTable(header: ["TIME", "OPERATOR", "EVENT", "STEP", "COMMAND", "EXIT", "DURATION"])
        for r in records {
            let e = r.event
            var what = e.command ?? e.message ?? e.path ?? ""
            what = what.replacingNewlines()
            if what.count > 60 { what = String(what.prefix(57)) + "..." }
            var step = e.step ?? ""
            if let host = e.host, !step.hasSuffix("@\(host)") { step += "@\(host)" }
            table.rows.append([
                r.timestamp, r.operatorName, e.kind.rawValue, step, what, e.status?.description ?? "",
                e.durationMilliseconds.map(Self.duration) ?? "",
            ].map { TerminalSafe.escape($0) })
        }
        return table.render()
    }

    /// `850ms`, `12.3s`, `4m05s`.
    static func duration(_ ms: Int) -> String {
        if ms < 1000 { return "\(ms)ms" }
        if ms < 60_000 { return "\(ms / 1000).\(ms % 1000 / 100)s" }
        let s = ms / 1000
        return "\(s / 60)m\(s % 60 < 10 ? "0" : "")\(s % 60)s"
    }
}

extension String {
    fileprivate func replacingNewlines() -> String {
        String(map { $0 == "\n" || $0 == "\r" ? " " : $0 })
    }
}
