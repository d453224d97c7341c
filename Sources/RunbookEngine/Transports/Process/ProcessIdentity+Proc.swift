#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import RunbookCore

/// Reading a process identity from `/proc`, and stopping its group.
extension ProcessIdentity {
    /// The identity of the running process `pid`, leader of its own group; nil when it is gone.
    static func of(_ pid: Int32, remoteGroupFile: String? = nil) -> ProcessIdentity? {
        #if os(Linux)
        guard let start = ProcessTable.startTime(of: pid) else { return nil }
        return ProcessIdentity(pid: pid, group: pid, startTime: start, boot: currentBoot,
                               remoteGroupFile: remoteGroupFile)
        #else
        return nil
        #endif
    }

    /// Whether anything of this process group still runs on this machine.
    ///
    /// The group lives while any non-zombie process is in it. A group id cannot be given to a
    /// new process while the group has members; once it is empty, a new process may get the
    /// same id: then its start time differs from the recorded one and the group is not ours.
    public var isRunning: Bool {
        #if os(Linux)
        if let boot, let current = Self.currentBoot, boot != current { return false }
        if let start = ProcessTable.startTime(of: group), start != startTime { return false }
        return ProcessTable.runningMembers(ofGroup: group) > 0
        #else
        return false
        #endif
    }

    /// SIGTERM to the whole group, SIGKILL to what is left after `grace`, then waits (a bounded
    /// time) until no member runs. Returns whether the group is gone.
    public func stop(grace: Duration) async -> Bool {
        guard isRunning else { return true }
        let members = ProcessGroup(id: group)
        members.send(SIGTERM)
        await members.drain(grace: grace)
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(5))
        while isRunning, clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return !isRunning
    }

    /// This boot's id; nil where the system does not say.
    static let currentBoot: String? = {
        #if os(Linux)
        let text = ProcessTable.read("/proc/sys/kernel/random/boot_id")?.filter { !$0.isWhitespace } ?? ""
        return text.isEmpty ? nil : text
        #else
        return nil
        #endif
    }()
}
