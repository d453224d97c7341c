#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fresh directory under `$TMPDIR` (or /tmp) for one test; `remove()` deletes it and its contents.
public struct TemporaryDirectory: Sendable {
    public let path: String

    /// Creates `…/runbook-test-XXXXXX` with mode 0700.
    public init(prefix: String = "runbook-test") {
        let base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        var template = Array("\(base)/\(prefix)-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer -> UnsafeMutablePointer<CChar>? in
            guard let base = buffer.baseAddress else { return nil }
            return mkdtemp(base)
        }
        path = made.map { String(cString: $0) } ?? "\(base)/\(prefix)-failed"
    }

    /// `path/name`.
    public func file(_ name: String) -> String { "\(path)/\(name)" }

    /// Deletes the directory tree (best effort: tests must not fail on cleanup).
    public func remove() {
        var pid: pid_t = 0
        let words: [String] = ["/bin/rm", "-rf", path]
        var argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        if posix_spawn(&pid, "/bin/rm", nil, nil, &argv, environ) == 0 {
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
    }
}
