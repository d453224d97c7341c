#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RunbookCore

/// POSIX file operations behind `LocalTransport`, each failure a `TransportError(.fileError)`
/// that names the path and the system's reason.
struct LocalFileSystem: Sendable {
    /// Host name put in errors.
    let host: String

    func read(_ path: String) throws(TransportError) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw failure("cannot read", path)
        }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            throw TransportError(.fileError, host: host, "cannot read '\(path)': it is a directory")
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure("cannot read", path)
            }
            if n == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<n])
        }
    }

    func write(_ path: String, contents: [UInt8], mode: UInt16?) throws(TransportError) {
        var existing = stat()
        let exists = stat(path, &existing) == 0
        let permissions: mode_t = exists ? existing.st_mode & 0o7777 : mode_t(mode ?? 0o644)
        var template = Array("\(directory(of: path))/.\(baseName(of: path)).runbook-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return -1 }
            return mkstemp(base)
        }
        guard fd >= 0 else { throw failure("cannot create a temporary file next to", path) }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var committed = false
        defer {
            close(fd)
            if !committed { unlink(temporary) }
        }
        var offset = 0
        while offset < contents.count {
            let n = contents.withUnsafeBytes { all in
                let rest = UnsafeRawBufferPointer(rebasing: all[offset...])
                return systemWrite(fd, rest.baseAddress, rest.count)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure("cannot write", path)
            }
            offset += n
        }
        // Keep the owner of a file we replace (best effort: only root may give files away).
        if exists, existing.st_uid != geteuid() || existing.st_gid != getegid() {
            _ = fchown(fd, existing.st_uid, existing.st_gid)
        }
        // mkstemp creates 0600; umask must not change the mode the file is meant to have.
        guard fchmod(fd, permissions) == 0 else { throw failure("cannot set the mode of", path) }
        guard fsync(fd) == 0 else { throw failure("cannot flush", path) }
        guard rename(temporary, path) == 0 else { throw failure("cannot replace", path) }
        committed = true
    }

    func move(from source: String, to destination: String) throws(TransportError) {
        guard rename(source, destination) == 0 else {
            let reason = String(cString: strerror(errno))
            throw TransportError(.fileError, host: host, "cannot move '\(source)' to '\(destination)': \(reason)")
        }
    }

    func remove(_ path: String) throws(TransportError) {
        guard unlink(path) == 0 || errno == ENOENT else { throw failure("cannot remove", path) }
    }

    private func failure(_ what: String, _ path: String) -> TransportError {
        TransportError(.fileError, host: host, "\(what) '\(path)': \(String(cString: strerror(errno)))")
    }

    private func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "" : String(path[..<slash])
    }

    private func baseName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}

// The methods above are named read/write, which hides the C functions inside the type.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}

private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(fd, buffer, count)
}
