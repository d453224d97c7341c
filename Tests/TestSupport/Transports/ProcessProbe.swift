#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Asks the kernel whether a process still runs.
public enum ProcessProbe {
    /// True while `pid` exists and is not a zombie. A zombie has ended: in containers PID 1
    /// may reap orphans late, so `kill(pid, 0)` alone would report a dead process as alive.
    public static func isRunning(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0 else { return errno != ESRCH }
        #if os(Linux)
        let fd = open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1024)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return false }
        let text = String(decoding: buffer[0..<n], as: UTF8.self)
        guard let close = text.lastIndex(of: ")") else { return true }
        let state = text[text.index(after: close)...].drop { $0 == " " }.first
        return state != "Z" && state != "X"
        #else
        return true
        #endif
    }

    /// Waits (bounded, polling) until `pid` has stopped running; true when it did before `deadline`.
    public static func waitUntilGone(_ pid: pid_t, deadline: Duration = .seconds(10)) async -> Bool {
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: deadline)
        while isRunning(pid) {
            if clock.now >= end { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return true
    }
}
