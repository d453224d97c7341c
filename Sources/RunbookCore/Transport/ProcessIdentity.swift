/// Which process a command attempt runs as, journaled before the command runs anything, so a
/// later `resume` (or a run of the same lock scope) can tell whether the commands of a killed
/// `runbook` are still running. (The data only: reading `/proc` and stopping the group is the
/// engine's, in `ProcessIdentity+Proc.swift`.)
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
}
