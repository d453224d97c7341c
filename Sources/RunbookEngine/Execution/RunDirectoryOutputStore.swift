import Crypto
import Foundation
import enum RunbookCore.OutputStream
import RunbookCore

/// Keeps each attempt's stdout and stderr as files under a run directory (`output/`) and
/// file snapshots under `snapshots/`. Memory stays bounded: only the first `headLimit` bytes
/// of each stream are kept for `expect` and `capture`.
public struct RunDirectoryOutputStore: OutputStore {
    /// The run directory; paths in digests and snapshots are relative to it.
    public let directory: URL
    /// Bytes of each stream kept in memory.
    public var headLimit: Int
    /// `directory.path`, which Foundation builds anew on each call (4% of the engine's thread
    /// in a 1,000-host fan-out, issue 15).
    private let root: String

    public init(directory: URL, headLimit: Int = 1 << 20) {
        self.directory = directory
        self.headLimit = headLimit
        root = directory.path
    }

    public func makeSink(step: String, attempt: Int, label: String) async throws -> any AttemptOutput {
        // Plain path strings, not `URL.appendingPathComponent` (which stats the path to learn
        // whether it is a directory) or `FileManager.fileExists` (two stats): this runs for
        // every attempt (issue 15).
        // Output can hold anything a command printed: the folder is 0700 and each file 0600.
        try PrivateFiles.makeDirectory(root + "/output")
        // A resumed run numbers attempts from 1 again: never overwrite what the journal's
        // digests of the earlier process point at (anything by that name, even a dangling link).
        var base = "output/\(Self.fileName(step)).\(attempt).\(label)"
        var round = 1
        while ["stdout", "stderr"].contains(where: { PrivateFiles.exists("\(root)/\(base).\($0)") }) {
            round += 1
            base = "output/\(Self.fileName(step)).\(attempt).\(label).\(round)"
        }
        return AttemptFiles(root: root, stdout: base + ".stdout", stderr: base + ".stderr", headLimit: headLimit)
    }

    public func saveSnapshot(_ contents: [UInt8], step: String, path: String) async throws -> String {
        let folder = directory.appendingPathComponent("snapshots")
        try PrivateFiles.makeDirectory(folder.path)
        var n = 1
        var name = "snapshots/\(Self.fileName(step)).\(n)"
        while FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path) {
            n += 1
            name = "snapshots/\(Self.fileName(step)).\(n)"
        }
        // Written under a temporary name and renamed, so a crash never leaves half a snapshot.
        let final = directory.appendingPathComponent(name).path
        try PrivateFiles.write(contents, to: final + ".partial")
        guard rename(final + ".partial", final) == 0 else {
            throw JournalError.io(path: final, operation: "rename", code: errno)
        }
        return name
    }

    public func loadSnapshot(_ name: String) async throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    /// Longest encoded key kept whole in a file name: with the attempt, label and stream
    /// suffixes the name stays well under the 255-byte limit of Linux file systems.
    static let maxEncodedKey = 160

    /// A step key as a file name, one to one: `parent/child[a b]@host` ->
    /// `parent%2Fchild[a%20b]@host` (`RunDirectory.safeName`: letters, digits and `. _ - @ [ ]`
    /// kept, any other byte `%XX`). An encoded key longer than `maxEncodedKey` keeps its first
    /// 120 bytes, then `~` and 32 hex digits of the key's SHA-256 (`~` never appears in an
    /// encoded key, so a shortened name cannot equal a whole one).
    static func fileName(_ key: String) -> String {
        let encoded = RunDirectory.safeName(key)
        guard encoded.utf8.count > maxEncodedKey else { return encoded }
        let digest = SHA256.hash(data: Array(key.utf8)).hexString
        return String(decoding: encoded.utf8.prefix(120), as: UTF8.self) + "~" + digest.prefix(32)
    }
}

/// The two files of one attempt, hashed as they are written.
actor AttemptFiles: AttemptOutput {
    private struct Stream {
        var relativePath: String
        var handle: FileHandle?
        var hasher = SHA256()
        var bytes = 0
        var head: [UInt8] = []
    }

    /// The run directory's path.
    private let root: String
    private let headLimit: Int
    private var streams: [OutputStream: Stream]
    private var failure: Error?

    init(root: String, stdout: String, stderr: String, headLimit: Int) {
        self.root = root
        self.headLimit = headLimit
        streams = [.stdout: Stream(relativePath: stdout), .stderr: Stream(relativePath: stderr)]
    }

    func write(_ bytes: [UInt8], to stream: OutputStream) async {
        guard var s = streams[stream], failure == nil else { return }
        do {
            if s.handle == nil {
                let path = root + "/" + s.relativePath
                s.handle = FileHandle(fileDescriptor: try PrivateFiles.openForAppend(path), closeOnDealloc: true)
            }
            try s.handle?.write(contentsOf: bytes)
        } catch {
            failure = error
        }
        s.hasher.update(data: bytes)
        s.bytes += bytes.count
        if s.head.count < headLimit { s.head += bytes.prefix(headLimit - s.head.count) }
        streams[stream] = s
    }

    func finish() async throws -> CapturedOutput {
        var digests: [OutputStream: OutputDigest] = [:]
        for (name, s) in streams {
            try s.handle?.close()
            let hex = s.hasher.finalize().hexString
            digests[name] = OutputDigest(bytes: s.bytes, sha256: hex, file: s.handle == nil ? nil : s.relativePath)
        }
        if let failure { throw failure }
        let out = streams[.stdout]
        let err = streams[.stderr]
        return CapturedOutput(stdout: digests[.stdout], stderr: digests[.stderr],
                              stdoutText: String(decoding: out?.head ?? [], as: UTF8.self),
                              stderrText: String(decoding: err?.head ?? [], as: UTF8.self),
                              truncated: (out?.bytes ?? 0) > headLimit || (err?.bytes ?? 0) > headLimit)
    }
}
