#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Who is running `runbook`, as the journal records it.
public enum OperatorName {
    /// `--operator` when given, else `user@host` (the login name of the effective user, else
    /// `$USER`, else the uid).
    public static func resolve(_ flag: String?, environment: [String: String]) -> String {
        if let flag, !flag.isEmpty { return flag }
        var user = environment["USER"] ?? "uid\(geteuid())"
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name {
            user = String(cString: name)
        }
        return "\(user)@\(LockHolder.localHostName())"
    }
}
