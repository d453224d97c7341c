import RunbookKit

/// Loads a runbook file for the CLI. The YAML->model loader lives on another branch; the lead wires
/// it here (`RunbookLoader`) when the branches are merged. Until then every command that needs a
/// runbook reports this as an error (exit 2).
func loadRunbook(_ path: String) throws(DiagnosticError) -> Runbook {
    throw DiagnosticError(.error("loader not available: cannot read runbook '\(path)' in this build", at: nil))
}
