import RunbookYAML
import RunbookCore

/// Loads a runbook file for the CLI with the standard loader (all diagnostics at once).
func loadRunbook(_ path: String) throws(DiagnosticError) -> Runbook {
    try RunbookLoader().load(contentsOf: path)
}
