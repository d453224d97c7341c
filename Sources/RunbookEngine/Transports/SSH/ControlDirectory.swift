#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RunbookCore

/// The private directory holding ssh control sockets. Anyone who can reach a control socket
/// can run commands over the connection, so the directory must be ours and closed to others.
enum ControlDirectory {
    /// `$TMPDIR/runbook-ssh-<uid>` (or `/tmp/…`).
    static var defaultPath: String {
        let base = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        return "\(base.hasSuffix("/") ? String(base.dropLast()) : base)/runbook-ssh-\(getuid())"
    }

    /// Socket paths are limited to 108 bytes; `/cm-` and the 40-character `%C` hash need 44.
    static let longestUsablePath = 107 - 44

    /// Creates `path` with mode 0700 when missing and checks an existing one is a directory we
    /// own that nobody else can enter. Falls back to `/tmp/runbook-ssh-<uid>` when `path` is too
    /// long for a socket.
    /// - Returns: the directory to use.
    /// - Throws: `TransportError(.launchFailed)` naming the directory and what is wrong with it.
    static func prepare(_ path: String, host: String) throws(TransportError) -> String {
        let usable = path.utf8.count <= longestUsablePath ? path : "/tmp/runbook-ssh-\(getuid())"
        if mkdir(usable, 0o700) != 0, errno != EEXIST {
            throw refuse(usable, host, "cannot create it: \(String(cString: strerror(errno)))")
        }
        var info = stat()
        guard lstat(usable, &info) == 0 else {
            throw refuse(usable, host, String(cString: strerror(errno)))
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else { throw refuse(usable, host, "it is not a directory") }
        guard info.st_uid == getuid() else { throw refuse(usable, host, "it belongs to another user (uid \(info.st_uid))") }
        guard info.st_mode & 0o077 == 0 else {
            throw refuse(usable, host, "others can use it (mode \(String(info.st_mode & 0o777, radix: 8))); it must be 0700")
        }
        return usable
    }

    private static func refuse(_ path: String, _ host: String, _ reason: String) -> TransportError {
        TransportError(.launchFailed, host: host, "refusing ssh control directory '\(path)': \(reason)")
    }
}
