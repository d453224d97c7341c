import Foundation
import RunbookYAML

/// `runbook lint`: warnings for runbooks that are valid but risky. The runbook must have passed
/// validation; the linter only reads the model (and the text, for disable comments).
public struct Linter: Sendable {
    /// Group names of the inventory the runbook is meant for, when known; without one, a literal
    /// `on:` is taken for a group when it is one of openshift-ansible's group names or has no dot
    /// (hosts are FQDNs or addresses).
    public var groups: Set<String>?

    /// Creates a value with every field given.
    public init(groups: Set<String>? = nil) { self.groups = groups }

    /// openshift-ansible's inventory groups, for linting without an inventory.
    static let openShiftGroups: Set<String> = [
        "OSEv3", "masters", "nodes", "etcd", "lb", "nfs", "glusterfs", "glusterfs_registry",
        "new_masters", "new_nodes", "new_etcd",
    ]

    /// Every warning for `runbook`, sorted by position, minus those disabled by comments in `text`.
    public func lint(_ runbook: Runbook, text: String) -> [Diagnostic] {
        let suppressions = LintSuppressions(text: text)
        let secrets = Set(runbook.params.filter(\.secret).map(\.name))
        var warnings: [Diagnostic] = []
        for step in runbook.steps {
            let disabled = suppressions.disabled(atStepLine: step.location.line)
            guard !disabled.contains("all") else { continue }
            for (rule, message, location) in findings(step, in: runbook, secrets: secrets)
            where !disabled.contains(rule.rawValue) {
                warnings.append(Diagnostic(.warning, "\(message) [\(rule.rawValue)]", at: location,
                                           hint: Self.hint(rule)))
            }
        }
        return warnings.sorted(by: Diagnostic.byPosition)
    }

    private func findings(_ step: Step, in runbook: Runbook, secrets: Set<String>)
        -> [(LintRule, String, SourceLocation)]
    {
        var found: [(LintRule, String, SourceLocation)] = []
        let id = step.id
        // File actions snapshot what they change (their rollback is automatic); a `use` step's
        // sub-runbook is linted on its own.
        if case .run = step.action, step.rollback.isEmpty, step.verify == nil, !step.idempotent {
            found.append((.noUndo, "step '\(id)' changes state but has no rollback, verify or idempotent", step.location))
        }
        if case .file(.edit) = step.action, step.verify == nil {
            found.append((.editWithoutVerify, "step '\(id)' edits a file without a verify", step.location))
        }
        if step.changesState, let on = step.on, isGroup(on), step.maxParallel == nil, step.forEach?.maxParallel == nil {
            found.append((.groupWithoutMaxParallel,
                          "step '\(id)' changes every host of group '\(on.raw)' at once (no max_parallel)", on.location))
        }
        for condition in conditions(of: step) {
            let used = Self.paramReferences(in: condition.command).intersection(secrets)
            if let name = used.sorted().first {
                found.append((.secretInCheck,
                              "step '\(id)' renders secret param '\(name)' into a command whose line and output are printed",
                              condition.command.location))
            }
        }
        if case .file(.fetch(_, _, let passphrase?)) = step.action {
            let used = Self.paramReferences(in: passphrase)
            if used.isEmpty || !used.isSubset(of: secrets) || passphrase.segments.contains(where: { if case .literal = $0 { true } else { false } }) {
                found.append((.fetchPassphraseNotSecret,
                              "step '\(id)' encrypts with a passphrase that is not a secret param", passphrase.location))
            }
        }
        if runbook.source != nil, step.source == nil || step.title == nil {
            let missing = [step.source == nil ? "source" : nil, step.title == nil ? "title" : nil].compactMap { $0 }
            found.append((.missingSource,
                          "step '\(id)' has no \(missing.joined(separator: " or ")) in a runbook that declares its source",
                          step.location))
        }
        return found
    }

    private func conditions(of step: Step) -> [Condition] {
        var list: [Condition] = []
        switch step.action {
        case .check(let c), .wait(let c): list.append(c)
        default: break
        }
        if let verify = step.verify { list.append(verify) }
        return list
    }

    private func isGroup(_ on: Template) -> Bool {
        guard on.isLiteral else { return false }
        let name = on.raw.trimmingCharacters(in: .whitespaces)
        guard !name.hasSuffix("]"), name != "localhost", name != "local" else { return false }
        if let groups { return groups.contains(name) }
        return Self.openShiftGroups.contains(name) || !name.contains(".")
    }

    /// Names of `params.X` referenced anywhere in the template's expressions (the depth of an
    /// expression is bounded by the parser, so the shared recursive walk is safe).
    static func paramReferences(in template: Template) -> Set<String> {
        Set(template.expressions.flatMap { $0.0.references }.filter { $0.count >= 2 && $0[0] == "params" }.map { $0[1] })
    }

    private static func hint(_ rule: LintRule) -> String {
        switch rule {
        case .noUndo: "add a rollback, a verify (resume probes it), or idempotent: true if running it twice is safe"
        case .editWithoutVerify: "add a verify that checks the edited file says what it should"
        case .groupWithoutMaxParallel: "add max_parallel: 1 (or a small number) to roll through the group"
        case .secretInCheck: "pass the secret in a run step, or read it from a file on the host"
        case .missingSource: "name the guide section in source and say what the step does in title"
        case .fetchPassphraseNotSecret: "declare a param with secret: true and write passphrase: ${{ params.NAME }}"
        }
    }
}
