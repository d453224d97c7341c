/// A rule of `runbook lint`: a runbook that is valid but risky at 3 a.m. Each rule has a stable
/// name, used in the warning (`[no-undo]`), in `--output json` and in
/// `# runbook-lint: disable=RULE` comments.
public enum LintRule: String, CaseIterable, Sendable, Hashable {
    /// A `run` step with neither `rollback`, `verify` nor `idempotent`: after a crash, resume
    /// cannot tell whether it ran and has to ask the operator. (File actions snapshot what they
    /// change, so their rollback is automatic.)
    case noUndo = "no-undo"
    /// A file `edit` with no `verify`: an edit that silently matched the wrong line goes unnoticed.
    case editWithoutVerify = "edit-without-verify"
    /// A state-changing step on a group with no `max_parallel`: every host changes at once.
    case groupWithoutMaxParallel = "group-without-max-parallel"
    /// A `check`, `wait` or `verify` whose command renders a secret param: its command line and
    /// output are printed, journaled and shown by `plan`.
    case secretInCheck = "secret-in-check"
    /// A step without `source` or `title` in a runbook that declares its `source`.
    case missingSource = "missing-source"
    /// A `fetch` whose `passphrase` is not made of `secret: true` params only: a literal or a
    /// plain param is printed by `plan` and journaled in clear.
    case fetchPassphraseNotSecret = "fetch-passphrase-not-secret"

    /// One line on what the rule protects against, for `runbook lint --help` and docs.
    public var summary: String {
        switch self {
        case .noUndo: "a run step with neither rollback, verify nor idempotent (resume would have to ask)"
        case .editWithoutVerify: "a file edit with no verify"
        case .groupWithoutMaxParallel: "a state-changing step on a group without max_parallel (every host at once)"
        case .secretInCheck: "a secret param rendered into a check, wait or verify command (printed and journaled)"
        case .missingSource: "a step without source or title in a runbook that declares source"
        case .fetchPassphraseNotSecret: "a fetch passphrase that is not a secret param (printed and journaled)"
        }
    }
}
