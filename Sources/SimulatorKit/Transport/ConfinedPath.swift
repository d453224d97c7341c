import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Resolves a host path inside a simulated host's tree the way `chroot` would: every component
/// is looked up inside the tree, a symbolic link's absolute target is taken from the tree's root,
/// and `..` never leaves it (`/..` is `/`). Without it a link in the tree (`/etc/x -> /etc/shadow`,
/// `/x -> ../../other-host`) made `SimTransport` read or write the real machine's files.
struct ConfinedPath {
    /// The directory standing for the host's `/`.
    let root: String

    /// Why a path cannot be resolved.
    enum Failure: Error, Equatable {
        /// More links than the kernel follows (`ELOOP`).
        case loop
    }

    /// Linux follows at most 40 links in one lookup (`MAXSYMLINKS`).
    static let maxLinks = 40

    /// The real path of host path `path` (relative paths are taken from `/`). Links in every
    /// component but the last are followed; the last one only when `followLast` (as `cat` and
    /// `stat -L` do; `mv` and `rm` act on the link itself). Components that do not exist are kept
    /// as written, so the result can name a file still to be created.
    /// - Throws: `Failure.loop` after `maxLinks` links.
    func resolve(_ path: String, followLast: Bool) throws(Failure) -> String {
        var resolved: [String] = []
        var pending = Self.components(path)
        var links = 0
        while !pending.isEmpty {
            let name = pending.removeFirst()
            if name == ".." {
                _ = resolved.popLast()
                continue
            }
            let candidate = resolved + [name]
            if pending.isEmpty && !followLast {
                resolved = candidate
                break
            }
            guard let target = Self.linkTarget(real(candidate)) else {
                resolved = candidate
                continue
            }
            links += 1
            guard links <= Self.maxLinks else { throw .loop }
            if target.hasPrefix("/") { resolved = [] }
            pending = Self.components(target) + pending
        }
        return real(resolved)
    }

    private func real(_ components: [String]) -> String {
        components.isEmpty ? root : root + "/" + components.joined(separator: "/")
    }

    /// The path's names without empty and `.` components.
    private static func components(_ path: String) -> [String] {
        path.split(separator: "/").map(String.init).filter { $0 != "." }
    }

    /// The target of the symbolic link at `path`, or nil when it is no link (or does not exist).
    private static func linkTarget(_ path: String) -> String? {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK else { return nil }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count >= 0 else { return nil }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
