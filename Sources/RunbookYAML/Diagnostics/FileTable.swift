import Foundation

/// The file names that `SourceLocation`s point into, each stored once for the whole process.
///
/// A location holds only the index; names are added when a file is parsed (or a location is made
/// by name) and never removed: a process reads few distinct files, so the table stays small.
package final class FileTable: @unchecked Sendable {
    /// The one table every location uses.
    package static let shared = FileTable()

    private let lock = NSLock()
    // Guarded by `lock`.
    private var names: [String] = []
    private var ids: [String: Int32] = [:]

    private init() {}

    /// The index of `name`, added to the table if it is new.
    package func id(_ name: String) -> Int32 {
        lock.lock()
        defer { lock.unlock() }
        if let id = ids[name] { return id }
        let id = Int32(names.count)
        names.append(name)
        ids[name] = id
        return id
    }

    /// The name at `id` (an index this table handed out).
    package func name(_ id: Int32) -> String {
        lock.lock()
        defer { lock.unlock() }
        return names[Int(id)]
    }
}
