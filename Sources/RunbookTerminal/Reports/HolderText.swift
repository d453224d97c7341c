import RunbookEngine

/// How `runs` and `status` name the process that holds a run's lock: enough for a colleague
/// on another machine to find it (machine and pid) and the person to call (operator).
public enum HolderText {
    /// `pid 4242 on bastion-2, operator bob@ops`; the operator part is left out for records
    /// written before holders named one.
    public static func describe(_ holder: LockHolder) -> String {
        "pid \(holder.pid) on \(holder.host)" + (holder.operatorName.map { ", operator \($0)" } ?? "")
    }
}
