#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
import RunbookCore
#endif

/// A process group led by a command we started: signals go to every member, so a timeout
/// also ends the command's children and grandchildren.
struct ProcessGroup: Sendable, Hashable {
    /// The group id, equal to the pid of the child that leads it.
    let id: pid_t

    /// Sends `signal` to every member of the group; a group that is already gone is not an error.
    func send(_ signal: Int32) {
        _ = kill(-id, signal)
    }

    /// Whether any member of the group is still running.
    ///
    /// On Linux, members that are zombies do not count: they have ended and only wait for
    /// their parent (often PID 1, which may reap late in containers) to collect them.
    var hasRunningMembers: Bool {
        #if os(Linux)
        return ProcessTable.runningMembers(ofGroup: id) > 0
        #else
        return kill(-id, 0) == 0
        #endif
    }

    /// Waits up to `grace` for the group to empty, then sends SIGKILL to whatever is left.
    ///
    /// Runs after the direct child has been torn down: a grandchild that ignores SIGTERM, or
    /// one still shutting down, gets its grace period and is then killed, so no member survives.
    func drain(grace: Duration) async {
        await killAfter(grace, unless: { !hasRunningMembers })
    }

    /// Waits up to `grace` for `ended` to hold, then sends SIGKILL to the group if it does not.
    func killAfter(_ grace: Duration, unless ended: () -> Bool) async {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: grace)
        while !ended(), clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if !ended() { send(SIGKILL) }
    }
}

#if os(Linux)
/// Reads `/proc` to learn which processes exist, without spawning `ps`.
enum ProcessTable {
    /// Number of non-zombie processes whose process group is `pgid`.
    static func runningMembers(ofGroup pgid: pid_t) -> Int {
        guard let dir = opendir("/proc") else { return kill(-pgid, 0) == 0 ? 1 : 0 }
        defer { closedir(dir) }
        var count = 0
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard let pid = pid_t(name), let stat = status(of: pid) else { continue }
            if stat.group == pgid, stat.state != "Z", stat.state != "X" { count += 1 }
        }
        return count
    }

    /// State letter, parent and process group of `pid` from `/proc/PID/stat`; nil when it is gone.
    static func status(of pid: pid_t) -> (state: Character, parent: pid_t, group: pid_t)? {
        guard let fields = statFields(of: pid, [0, 1, 2]), let state = fields[0].first,
              let parent = pid_t(fields[1]), let group = pid_t(fields[2]) else { return nil }
        return (state, parent, group)
    }

    /// When `pid` started, in clock ticks after boot (`/proc/PID/stat` field 22): with the pid,
    /// it names one process even after the pid is reused. nil when it is gone.
    static func startTime(of pid: pid_t) -> UInt64? {
        statFields(of: pid, [19]).flatMap { UInt64($0[0]) }
    }

    /// The fields at `wanted` (ascending; 0 is the state, the first after the command name) of
    /// `/proc/PID/stat`; nil when it is gone or shorter. Scanned as bytes: splitting the whole
    /// line into strings was 2% of a 1,000-host fan-out (issue 15).
    private static func statFields(of pid: pid_t, _ wanted: [Int]) -> [String]? {
        guard let buffer = bytes("/proc/\(pid)/stat") else { return nil }
        let count = buffer.count
        // The command name is in parentheses and may itself contain spaces or parentheses.
        guard let nameEnd = buffer.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        var found: [String] = []
        var field = -1, start = nameEnd + 1
        for index in (nameEnd + 1)...count where index == count || buffer[index] == UInt8(ascii: " ") {
            if index > start {
                field += 1
                if field == wanted[found.count] {
                    found.append(String(decoding: buffer[start..<index], as: UTF8.self))
                    if found.count == wanted.count { return found }
                }
            }
            start = index + 1
        }
        return nil
    }

    /// The first KiB of a small `/proc` file, in one read; nil when it cannot be read.
    static func read(_ path: String) -> String? {
        bytes(path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The first KiB of a small `/proc` file as bytes (never empty); nil when it cannot be read.
    private static func bytes(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1024)
        let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return nil }
        buffer.removeSubrange(n...)
        return buffer
    }
}
#endif
