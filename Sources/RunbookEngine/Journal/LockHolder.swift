import Foundation
import RunbookYAML

/// Who holds a lock: written into the lock file so a busy lock can name its holder.
public struct LockHolder: Sendable, Hashable, Codable {
    /// The holding process.
    public var pid: Int32
    /// The host the process runs on (stale detection only works on the same host).
    public var host: String
    /// The run id of the holder.
    public var run: String
    /// RFC 3339 UTC.
    public var since: String

    /// A holder record.
    public init(pid: Int32, host: String, run: String, since: String) {
        self.pid = pid
        self.host = host
        self.run = run
        self.since = since
    }

    /// This process, now, for `run`.
    public static func current(run: String) -> LockHolder {
        LockHolder(pid: getpid(), host: localHostName(), run: run,
                   since: JournalClock.rfc3339(milliseconds: JournalClock.now()))
    }

    /// True when the holder is on this host and its process no longer exists.
    public var isGone: Bool {
        guard host == LockHolder.localHostName() else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }

    /// The short host name, as `user@host` uses it.
    public static func localHostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// A lock is held by another live run (exit code 5).
public struct LockBusy: Error, Sendable, Hashable, CustomStringConvertible {
    /// `scope 'cluster'` or `run 20261127-…`.
    public var lock: String
    /// The holder, when its record could be read.
    public var holder: LockHolder?
    /// The holder's process is gone but something still holds the lock (an inherited descriptor).
    public var stale: Bool

    /// The error as a diagnostic naming the holder.
    public var diagnostic: Diagnostic {
        guard let holder else {
            return .error("\(lock) is locked by another process", at: nil)
        }
        let who = "run \(holder.run) (pid \(holder.pid) on \(holder.host), since \(holder.since))"
        if stale {
            return .error("\(lock) is held by \(who), whose process is gone", at: nil,
                          hint: "a child process may still hold the lock file open; if nothing of that run is running, pass --break-lock (it is journaled)")
        }
        return .error("\(lock) is locked by \(who)", at: nil,
                      hint: "wait for that run to finish, or see it with `runbook status \(holder.run)`")
    }

    public var description: String { diagnostic.description }
}
