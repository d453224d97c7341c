#if canImport(Glibc)
import Glibc

private let posixWrite = Glibc.write
private let posixRead = Glibc.read
#elseif canImport(Darwin)
import Darwin
private let posixWrite = Darwin.write
private let posixRead = Darwin.read
#endif

/// Closes a descriptor, ignoring the result (nothing useful can be done about a failed close).
func closeDescriptor(_ fd: Int32) {
    _ = close(fd)
}

/// POSIX file operations with explicit modes: run directories hold command output and operator
/// data, so every directory is 0700 and every file 0600 whatever the process umask is.
enum PrivateFiles {
    /// Creates `path` and its missing parents with mode 0700.
    static func makeDirectory(_ path: String) throws {
        // The common case (every attempt asks for `output/`): the directory is there, so one
        // `mkdir` says so, instead of one for each component from the root (issue 15).
        if mkdir(path, 0o700) == 0 {
            chmod(path, 0o700)
            return
        } else if errno == EEXIST {
            return
        }
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if mkdir(prefix, 0o700) == 0 {
                chmod(prefix, 0o700)
            } else if errno != EEXIST {
                throw JournalError.io(path: prefix, operation: "create directory", code: errno)
            }
            prefix += "/"
        }
    }

    /// Whether anything (a dangling symbolic link too) has this name: one `lstat`.
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// Writes a whole file with mode 0600, replacing any previous contents.
    static func write(_ bytes: [UInt8], to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw JournalError.io(path: path, operation: "create", code: errno) }
        defer { close(fd) }
        fchmod(fd, 0o600)
        try writeAll(fd, bytes, path: path)
        guard fsync(fd) == 0 else { throw JournalError.io(path: path, operation: "fsync", code: errno) }
    }

    /// Opens a file for appending, creating it with mode 0600.
    static func openForAppend(_ path: String) throws -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw JournalError.io(path: path, operation: "open", code: errno) }
        fchmod(fd, 0o600)
        return fd
    }

    /// Writes every byte, retrying short writes and EINTR.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                posixWrite(fd, raw.baseAddress.map { $0 + offset }, bytes.count - offset)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw JournalError.io(path: path, operation: "write", code: errno)
            }
            offset += n
        }
    }

    /// The whole file, or nil when it does not exist.
    static func read(_ path: String) throws -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw JournalError.io(path: path, operation: "open", code: errno)
        }
        defer { close(fd) }
        var result: [UInt8] = []
        var st = stat()
        if fstat(fd, &st) == 0, st.st_size > 0 { result.reserveCapacity(Int(st.st_size)) }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { posixRead(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw JournalError.io(path: path, operation: "read", code: errno)
            }
            if n == 0 { break }
            result.append(contentsOf: buffer[0..<n])
        }
        return result
    }

    /// True when `path` exists and is a directory.
    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// Names in a directory (without `.` and `..`), or an empty list when it does not exist.
    static func list(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
