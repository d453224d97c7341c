import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one temporary directory helper: a fresh directory under `$TMPDIR` (or /tmp), mode 0700,
/// removed when the value goes away or when `remove()` is called (set `RUNBOOK_KEEP_SCRATCH=1`
/// to keep every one for a look after the run).
public final class Scratch: Sendable {
    /// The directory.
    public let url: URL
    /// Its absolute path.
    public let path: String

    /// Creates `…/PREFIX-XXXXXX`; throws when the directory cannot be made.
    public init(prefix: String = "runbook-test") throws {
        let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(base)/\(prefix)-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer -> String? in
            guard let start = buffer.baseAddress, mkdtemp(start) != nil else { return nil }
            return String(cString: start)
        }
        guard let made else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: "\(base)/\(prefix)-XXXXXX"]) }
        path = made
        url = URL(fileURLWithPath: made)
    }

    deinit { remove() }

    /// `path/name` (the file need not exist).
    public func path(_ name: String) -> String { "\(path as String)/\(name)" }

    /// Writes `text` to `name` (creating folders) and returns its path.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    /// The text of `name`.
    public func read(_ name: String) throws -> String {
        try String(contentsOf: url.appendingPathComponent(name), encoding: .utf8)
    }

    /// Creates (or empties) `name` and opens it for writing.
    public func handle(_ name: String) throws -> FileHandle {
        _ = FileManager.default.createFile(atPath: path(name), contents: nil)
        return try FileHandle(forWritingTo: url.appendingPathComponent(name))
    }

    /// Deletes the directory tree (best effort: tests must not fail on cleanup). Uses `rm -rf`
    /// through posix_spawn, which also removes trees a test made read-only for its own checks.
    public func remove() {
        if ProcessInfo.processInfo.environment["RUNBOOK_KEEP_SCRATCH"] == "1" { return }
        var pid: pid_t = 0
        let words: [String] = ["/bin/rm", "-rf", path as String]
        var argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        if posix_spawn(&pid, "/bin/rm", nil, nil, &argv, environ) == 0 {
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
    }
}
