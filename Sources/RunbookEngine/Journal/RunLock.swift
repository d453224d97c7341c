import Foundation

/// An exclusive `flock(2)` on a lock file: one process per run, one run per `lock:` scope.
///
/// The kernel drops a flock when its holder dies, even by `kill -9`, so a lock is never left
/// behind by a crash. The file also records the holder (pid, host, run, since) to name it when
/// the lock is busy. Descriptors are close-on-exec so a step's commands cannot inherit the lock.
public final class RunLock: @unchecked Sendable {
    /// The lock file.
    public let path: String
    /// A stale holder that `--break-lock` displaced; the caller journals it.
    public let brokenHolder: LockHolder?
    /// The record left by an earlier holder that died (the lock itself was free).
    public let previousHolder: LockHolder?

    /// The `operatorDecision` event to journal when `--break-lock` displaced a stale holder.
    public var brokenLockEvent: RunEvent? {
        brokenHolder.map { holder in
            RunEvent(.operatorDecision, host: holder.host,
                     message: "break-lock: took \(label) from run \(holder.run) (pid \(holder.pid) on \(holder.host), gone)")
        }
    }

    /// `lock scope 'cluster'` or `run <id>`.
    public let label: String

    private let mutex = NSLock()
    private var fd: Int32

    private init(path: String, label: String, fd: Int32, brokenHolder: LockHolder?, previousHolder: LockHolder?) {
        self.path = path
        self.label = label
        self.fd = fd
        self.brokenHolder = brokenHolder
        self.previousHolder = previousHolder
    }

    deinit { release() }

    /// Locks a run directory (`<run>/lock`) so two processes never drive one run.
    /// - Throws: `LockBusy` when another process has the run; `JournalError.io`.
    public static func lockRun(_ directory: RunDirectory, holder: LockHolder) throws -> RunLock {
        try acquire(path: directory.lockPath, label: "run \(directory.runID)", holder: holder, breakLock: false)
    }

    /// Locks a `lock:` scope, `<stateDir>/locks/<scope>.lock`, across runs and runbooks.
    /// - Parameter breakLock: take the lock from a holder whose process is gone (`--break-lock`).
    /// - Throws: `LockBusy` when a live run holds the scope (or a stale one and `breakLock` is false).
    public static func lockScope(_ scope: String, stateDirectory: String, holder: LockHolder,
                                 breakLock: Bool = false) throws -> RunLock {
        let directory = "\(stateDirectory)/locks"
        try PrivateFiles.makeDirectory(directory)
        return try acquire(path: "\(directory)/\(RunDirectory.safeName(scope)).lock", label: "lock scope '\(scope)'",
                           holder: holder, breakLock: breakLock)
    }

    /// Releases the lock (also done when the object goes away or the process dies).
    public func release() {
        mutex.lock()
        defer { mutex.unlock() }
        guard fd >= 0 else { return }
        // Drop the record before the lock so a reader never sees a holder that has left.
        ftruncate(fd, 0)
        flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }

    private static func acquire(path: String, label: String, holder: LockHolder, breakLock: Bool) throws -> RunLock {
        var broken: LockHolder?
        // Bounded: each round either locks, throws, or follows a file that was replaced.
        for _ in 0..<8 {
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw JournalError.io(path: path, operation: "open lock file", code: errno) }
            fchmod(fd, 0o600)
            if flock(fd, LOCK_EX | LOCK_NB) == 0 {
                guard sameFile(fd, path) else { close(fd); continue }  // broken and replaced meanwhile
                let previous = readHolder(fd)
                do {
                    try writeHolder(holder, to: fd, path: path)
                } catch {
                    close(fd)
                    throw error
                }
                return RunLock(path: path, label: label, fd: fd, brokenHolder: broken,
                               previousHolder: previous.flatMap { $0.isGone ? $0 : nil })
            }
            let code = errno
            let current = readHolder(fd)
            close(fd)
            guard code == EWOULDBLOCK || code == EAGAIN else {
                throw JournalError.io(path: path, operation: "lock", code: code)
            }
            let stale = current?.isGone ?? false
            guard breakLock, stale else { throw LockBusy(lock: label, holder: current, stale: stale) }
            // The old holder keeps its flock on the unlinked file; the new file is free.
            unlink(path)
            broken = current
        }
        throw LockBusy(lock: label, holder: nil, stale: false)
    }

    private static func sameFile(_ fd: Int32, _ path: String) -> Bool {
        var a = stat(), b = stat()
        return fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev
    }

    private static func readHolder(_ fd: Int32) -> LockHolder? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return nil }
        return try? JSONDecoder().decode(LockHolder.self, from: Data(buffer[0..<n]))
    }

    private static func writeHolder(_ holder: LockHolder, to fd: Int32, path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let bytes = Array((try? encoder.encode(holder)) ?? Data()) + [0x0A]
        guard ftruncate(fd, 0) == 0,
              bytes.withUnsafeBytes({ pwrite(fd, $0.baseAddress, $0.count, 0) }) == bytes.count
        else { throw JournalError.io(path: path, operation: "write lock file", code: errno) }
        fsync(fd)
    }
}
