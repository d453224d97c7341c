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
    /// The operator the holding run journals as (`--operator`); nil in records written before
    /// it was kept, which still decode.
    public var operatorName: String?

    enum CodingKeys: String, CodingKey {
        case pid, host, run, since
        case operatorName = "operator"
    }

    /// A holder record.
    public init(pid: Int32, host: String, run: String, since: String, operatorName: String? = nil) {
        self.pid = pid
        self.host = host
        self.run = run
        self.since = since
        self.operatorName = operatorName
    }

    /// This process, now, for `run`, driven by `operatorName`.
    public static func current(run: String, operatorName: String? = nil) -> LockHolder {
        LockHolder(pid: getpid(), host: localHostName(), run: run,
                   since: JournalClock.rfc3339(milliseconds: JournalClock.now()), operatorName: operatorName)
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
    /// A holder that died holding the lock (its lease expired) while these commands were
    /// running on other machines (`step on host`): nothing here can tell whether they still run.
    public var leftRunning: [String] = []

    /// A busy lock.
    public init(lock: String, holder: LockHolder?, stale: Bool, leftRunning: [String] = []) {
        self.lock = lock
        self.holder = holder
        self.stale = stale
        self.leftRunning = leftRunning
    }

    /// The error as a diagnostic naming the holder.
    public var diagnostic: Diagnostic {
        guard let holder else {
            return .error("\(lock) is locked by another process", at: nil)
        }
        let by = holder.operatorName.map { ", operator \($0)" } ?? ""
        let who = "run \(holder.run) (pid \(holder.pid) on \(holder.host), since \(holder.since)\(by))"
        if !leftRunning.isEmpty {
            return .error("\(lock) was held by \(who), which died without releasing it while it ran \(leftRunning.joined(separator: ", ")); those commands may still be running",
                          at: nil,
                          hint: "check on each of those hosts that the command has ended (`runbook status \(holder.run)` shows the step), then pass --break-lock (it is journaled)")
        }
        if stale {
            return .error("\(lock) is held by \(who), whose process is gone", at: nil,
                          hint: "a child process may still hold the lock file open; if nothing of that run is running, pass --break-lock (it is journaled)")
        }
        return .error("\(lock) is locked by \(who)", at: nil,
                      hint: "wait for that run to finish, or see it with `runbook status \(holder.run)`")
    }

    public var description: String { diagnostic.description }
}
