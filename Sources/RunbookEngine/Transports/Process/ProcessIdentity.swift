#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which process a command attempt runs as, journaled before the command runs anything, so a
/// later `resume` (or a run of the same lock scope) can tell whether the commands of a killed
/// `runbook` are still running.
///
/// A pid alone is not enough: pids are reused. The start time (clock ticks after boot) and the
/// boot id name the process exactly; the process group is what the command and its children
/// share (each command leads its own session and group).
public struct ProcessIdentity: Sendable, Hashable, Codable {
    /// The local child `runbook` started (`/bin/sh`, or `ssh` for a remote host).
    public var pid: Int32
    /// Its process group; equal to `pid`, since every command leads its own group.
    public var group: Int32
    /// `/proc/PID/stat` field 22 of `pid`.
    public var startTime: UInt64
    /// `/proc/sys/kernel/random/boot_id`: after a reboot nothing of the old run can be running.
    public var boot: String?
    /// For ssh: the file on the remote host holding the remote command's process group.
    public var remoteGroupFile: String?

    /// An identity record.
    public init(pid: Int32, group: Int32, startTime: UInt64, boot: String?, remoteGroupFile: String? = nil) {
        self.pid = pid
        self.group = group
        self.startTime = startTime
        self.boot = boot
        self.remoteGroupFile = remoteGroupFile
    }

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
