import Foundation
import RunbookCore
import RunbookEngine

/// Compares what `plan` showed with what `run` did: the commands (host, text) each step ran and
/// the order the plan's dependencies promise.
///
/// - Every command the engine gave a transport is in the journal's `attemptStarted` events, and
///   the other way round (the recording transport is the ground truth).
/// - Every command a step ran is one its plan shows for that host (invocations and verifies that
///   are not `skipped`). A value the plan could only show as a placeholder (`<steps.x.outputs.y>`,
///   `<item of …>`, an `on` from a capture) matches any text there.
/// - Every planned command that is fully known, on a step whose `when` is known, ran.
/// - A step starts only after every step the plan says it depends on has finished.
public enum PlanRunDifferential {
    /// One command as the run executed it.
    public struct Executed: Sendable, Hashable, CustomStringConvertible {
        public var host: String
        public var command: String
        public var description: String { "\(host): \(command)" }
    }

    /// The first difference as a sentence naming the step, or nil when the run did what the plan showed.
    /// - Parameters:
    ///   - events: the run's journal events in order.
    ///   - transportLog: what the recording transport was asked to run.
    public static func firstDifference(plan: Plan, events: [RunEvent], transportLog: [CommandLog.Entry]) -> String? {
        let ids = plan.steps.map(\.id)
        let starts = events.filter { $0.kind == .attemptStarted }
        // 1. The journal tells the truth about the transport.
        let journaled = starts.map { CommandLog.Entry(host: $0.host ?? InventoryHost.local.name, command: $0.command ?? "") }
        if journaled.sorted(by: { $0.description < $1.description }) != transportLog.sorted(by: { $0.description < $1.description }) {
            let missing = Set(transportLog).subtracting(journaled).sorted { $0.description < $1.description }
            let extra = Set(journaled).subtracting(transportLog).sorted { $0.description < $1.description }
            return "the journal's attemptStarted commands are not the transport's: not journaled \(missing), not run \(extra)"
        }
        // 2. Per step, in plan order.
        var executed: [String: Set<Executed>] = [:]
        for event in starts {
            guard let key = event.step, let id = stepID(of: key, among: ids) else {
                return "step '\(event.step ?? "?")' ran '\(event.command ?? "")' but the plan has no such step"
            }
            executed[id, default: []].insert(Executed(host: event.host ?? InventoryHost.local.name, command: event.command ?? ""))
        }
        for step in plan.steps {
            let planned = (step.invocations + step.verify).filter { $0.command != nil && $0.skipped != true }
            let ran = executed[step.id] ?? []
            for command in ran.sorted(by: { $0.description < $1.description }) {
                if !planned.contains(where: { matches($0, command) }) {
                    let shown = planned.map { "\($0.host): \($0.command ?? "")" }.joined(separator: " | ")
                    return "step '\(step.id)' ran \(command), which its plan does not show (plan: \(shown))"
                }
            }
            // A `when` decided at run time, on the step or on the `use` step it is part of: it may not run.
            guard whenIsKnown(step, in: plan) else { continue }
            for invocation in planned where !isPlaceholder(invocation.host) && !hasPlaceholder(invocation.command ?? "") {
                let expected = Executed(host: invocation.host, command: invocation.command ?? "")
                if !ran.contains(expected) {
                    let shown = ran.map(\.description).sorted().joined(separator: " | ")
                    return "step '\(step.id)' did not run \(expected), which its plan shows (ran: \(shown))"
                }
            }
        }
        // 3. Order: every dependency finished before the step started.
        var lastEnd: [String: Int] = [:], firstStart: [String: Int] = [:]
        for (index, event) in events.enumerated() {
            guard let key = event.step, let id = stepID(of: key, among: ids) else { continue }
            switch event.kind {
            case .stepStarted: if firstStart[id] == nil { firstStart[id] = index }
            case .stepSucceeded, .stepSkipped, .stepFailed: lastEnd[id] = index
            default: break
            }
        }
        for step in plan.steps {
            guard let start = firstStart[step.id] else { continue }
            for dependency in step.dependsOn {
                guard let end = lastEnd[dependency] else {
                    return "step '\(step.id)' started, but '\(dependency)', which the plan says it needs, never finished"
                }
                if end > start { return "step '\(step.id)' started before '\(dependency)', which the plan says it needs, finished" }
            }
        }
        return nil
    }

    static func whenIsKnown(_ step: PlannedStep, in plan: Plan) -> Bool {
        if let when = step.when, when.value == nil, when.expression.contains("steps.") { return false }
        guard let parent = step.parent, let enclosing = plan.steps.first(where: { $0.id == parent }) else { return true }
        return whenIsKnown(enclosing, in: plan)
    }

    /// The plan step an instance key (`id`, `id[item]`, `id@host`, `parent/child[item]@host`) belongs to:
    /// the longest step id that the key starts with, followed by `[`, `@` or nothing.
    static func stepID(of key: String, among ids: [String]) -> String? {
        ids.filter { id in
            guard key.hasPrefix(id) else { return false }
            let rest = key.dropFirst(id.count)
            return rest.isEmpty || rest.hasPrefix("[") || rest.hasPrefix("@")
        }.max { $0.count < $1.count }
    }

    /// A placeholder the plan shows for a value known only at run time.
    static let placeholder = try? NSRegularExpression(pattern: #"'?<[^<>\n]*steps\.[^<>\n]*>'?"#)

    static func hasPlaceholder(_ text: String) -> Bool {
        placeholder?.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    static func isPlaceholder(_ text: String) -> Bool { (text.hasPrefix("<") || text.hasPrefix("'<")) && hasPlaceholder(text) }

    /// The planned invocation as a pattern: literal text, with each placeholder matching anything.
    static func matches(_ planned: PlannedInvocation, _ ran: Executed) -> Bool {
        guard isPlaceholder(planned.host) || planned.host == ran.host, let command = planned.command else { return false }
        guard hasPlaceholder(command), let placeholder else { return command == ran.command }
        var pattern = "^"
        var last = command.startIndex
        for match in placeholder.matches(in: command, range: NSRange(command.startIndex..., in: command)) {
            guard let range = Range(match.range, in: command) else { continue }
            pattern += NSRegularExpression.escapedPattern(for: String(command[last..<range.lowerBound])) + ".*"
            last = range.upperBound
        }
        pattern += NSRegularExpression.escapedPattern(for: String(command[last...])) + "$"
        guard let regex = try? NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators]) else { return false }
        return regex.firstMatch(in: ran.command, range: NSRange(ran.command.startIndex..., in: ran.command)) != nil
    }
}
