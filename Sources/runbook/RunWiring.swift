import RunbookYAML
import RunbookCore

/// Small loading steps shared by `run`, `resume` and `plan`.
enum RunWiring {
    /// Reads the inventory (YAML or Ansible INI); the local machine only when no file is given.
    static func loadInventory(_ file: String?) throws(DiagnosticError) -> Inventory {
        guard let file else { return .empty }
        return try InventoryLoader.load(path: file)
    }
}
