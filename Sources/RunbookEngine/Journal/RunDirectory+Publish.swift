#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `open(2)` for a directory (inside `RunDirectory` the name means `RunDirectory.open`).
private func openDirectory(_ path: String) -> Int32 {
    #if canImport(Glibc)
    Glibc.open(path, O_RDONLY | O_CLOEXEC)
    #else
    Darwin.open(path, O_RDONLY | O_CLOEXEC)
    #endif
}

extension RunDirectory {
    /// Makes a directory made with `create(staged: true)` a run: renames `runs/.<id>` to
    /// `runs/<id>` (atomic, so a run is either absent or complete) and syncs the rename.
    /// - Throws: `JournalError.io` when the rename fails.
    public func publish() throws -> RunDirectory {
        let parent = String(path.prefix(upTo: path.lastIndex(of: "/") ?? path.startIndex))
        let final = parent.isEmpty ? runID : "\(parent)/\(runID)"
        guard final != path else { return self }
        guard rename(path, final) == 0 else {
            throw JournalError.io(path: final, operation: "publish run directory", code: errno)
        }
        let fd = openDirectory(parent.isEmpty ? "." : parent)
        if fd >= 0 {
            fsync(fd)
            closeDescriptor(fd)
        }
        return RunDirectory(path: final, runID: runID)
    }
}
