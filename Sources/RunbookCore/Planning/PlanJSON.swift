import Foundation

/// `runbook plan --output json`: the `Plan` encoded with sorted keys, so the output is stable and diffable.
///
/// Top level: `runbook`, `title`, `source`, `file`, `inventory`, `params` ([{name, value, secret}]),
/// `levels` ([[step id]]), `steps` ([`PlannedStep`]: id, title, source, location, action, changesState,
/// level, dependsOn, hosts, forEach, when {expression, value}, invocations / rollback / verify
/// ([{host, item, command, detail, diff}]), captures, timeout, retries, onFailure, idempotent, parent).
/// Absent optional fields are omitted. Secret values appear only as `***`.
public enum PlanJSON {
    /// The JSON text of `plan`, pretty-printed, ending with a newline.
    public static func encode(_ plan: Plan) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(plan), let text = String(data: data, encoding: .utf8) else { return "{}\n" }
        return text + "\n"
    }

    /// Reads a plan back (for tests and tools).
    public static func decode(_ text: String) throws -> Plan {
        try JSONDecoder().decode(Plan.self, from: Data(text.utf8))
    }
}
