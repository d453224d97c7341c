import Foundation
import RunbookKit

/// The stages `runbook run` wires together before the engine starts. Each is one small
/// function so the pieces built elsewhere (loader, inventory, journal) plug in here.
enum RunWiring {
    /// Loads and checks the runbook and every sub-runbook its `use` steps name.
    static func loadRunbooks(_ file: String, inventory: Inventory?) throws(DiagnosticError) -> (Runbook, [String: Runbook]) {
        let checked = try RunbookValidation(load: loadRunbook).check(file: file, inventory: inventory)
        return (checked.runbook, checked.subRunbooks)
    }

    /// Reads the inventory (YAML or Ansible INI); the local machine only when no file is given.
    static func loadInventory(_ file: String?) throws(DiagnosticError) -> Inventory {
        guard let file else { return .empty }
        return try InventoryLoader.load(path: file)
    }

    /// `--params-file` then `--param k=v` (flags win), typed and checked; every problem reported.
    static func resolveParams(_ flags: [String], file: String?, for runbook: Runbook) throws(DiagnosticError)
        -> (values: [String: Value], secrets: Set<String>)
    {
        let resolved = try ParamResolver().resolve(runbook, assignments: flags, paramsFile: file)
        return (resolved.values, resolved.secretNames)
    }
}

/// A stand-in journal until the journal work is wired in: one JSON event per line, fsynced.
/// Replace with `JournalWriter` (hash chain, secret scrubbing) and `RunLock` (exit 5).
actor JSONLinesRecorder: EventRecorder {
    private let handle: FileHandle
    private let encoder = JSONEncoder()

    init(path: String) throws {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        encoder.outputFormatting = [.sortedKeys]
    }

    func record(_ event: RunEvent) async throws {
        try handle.write(contentsOf: try encoder.encode(event) + Data("\n".utf8))
        try handle.synchronize()
    }
}
