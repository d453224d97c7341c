import Foundation

/// Whether a lock file is held right now, without taking it for longer than the look.
public enum LockProbe: Sendable, Hashable {
    /// There is no lock file.
    case missing
    /// Nobody holds it; the record a holder that died left (nil when empty: released cleanly,
    /// or a process that created the file and has not locked it yet).
    case free(LockHolder?)
    /// A live process holds it (its record, when readable).
    case held(LockHolder?)

    /// Looks at the lock file at `path`. Never creates it: a lock file that does not exist yet
    /// belongs to a process that has not got that far.
    public static func look(at path: String) -> LockProbe {
        let fd = open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return errno == ENOENT ? .missing : .held(nil) }
        defer { close(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 {
            let holder = record(fd)
            flock(fd, LOCK_UN)
            return .free(holder)
        }
        return .held(record(fd))
    }

    private static func record(_ fd: Int32) -> LockHolder? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        return n > 0 ? try? JSONDecoder().decode(LockHolder.self, from: Data(buffer[0..<n])) : nil
    }
}

extension RunDirectory {
    /// Removes `runs/.<id>` directories left by processes killed while setting a run up.
    ///
    /// A run being set up holds its run lock (`runs/.<id>/lock`) from the moment the directory
    /// exists; a free lock that still names its holder means that process died, and nothing of
    /// that run ever ran. A directory without a lock record is left alone unless it is older than
    /// `graceSeconds` (a process between `mkdir` and taking the lock, or an older version's setup).
    /// - Returns: the directories removed.
    @discardableResult
    public static func removeAbandonedSetups(stateDirectory: String, graceSeconds: TimeInterval = 3600,
                                             now: Date = Date()) -> [String] {
        let runs = "\(stateDirectory)/runs"
        var removed: [String] = []
        for name in PrivateFiles.list(runs) where name.hasPrefix(".") && name.count > 1 {
            let path = "\(runs)/\(name)"
            guard PrivateFiles.isDirectory(path) else { continue }
            switch LockProbe.look(at: "\(path)/lock") {
            case .held: continue
            case .free(.some): break
            case .missing, .free(.none):
                let modified = (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate]) as? Date
                guard let modified, now.timeIntervalSince(modified) > graceSeconds else { continue }
            }
            if (try? FileManager.default.removeItem(atPath: path)) != nil { removed.append(path) }
        }
        return removed
    }
}
