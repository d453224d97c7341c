import RunbookKit

/// Loads a runbook file for the CLI. The YAML->model loader lives on the `loader` branch; when the
/// branches are merged, the body becomes `try RunbookLoader().load(contentsOf: path)` (checked in a
/// trial merge). Until then every command that needs a runbook reports this error (exit 2).
func loadRunbook(_ path: String) throws(DiagnosticError) -> Runbook {
    throw DiagnosticError(.error("loader not available: cannot read runbook '\(path)' in this build", at: nil))
}
