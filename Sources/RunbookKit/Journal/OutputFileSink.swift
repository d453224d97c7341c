import Crypto
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Streams one attempt's stdout and stderr to files in the run directory, hashing as it goes.
///
/// Memory stays bounded however much a command prints: only the first `headLimit` bytes (for
/// captures and `expect`) and the last `tailLimit` bytes (for failure messages) are kept.
public actor OutputFileSink: OutputSink {
    /// Bytes kept from the start of each stream.
    public static let headLimit = 1 << 20
    /// Bytes kept from the end of each stream.
    public static let tailLimit = 64 << 10

    private var streams: [OutputStream: StreamFile]
    private var firstError: JournalError?

    /// Creates (mode 0600) `<base>.stdout` and `<base>.stderr`.
    /// - Parameters:
    ///   - directory: the run directory the relative names in digests are relative to.
    ///   - relativeBase: e.g. `output/drain@node-1.1`, from `RunDirectory.outputBase(step:attempt:)`.
    /// - Throws: `JournalError.io` when a file cannot be created.
    public init(directory: String, relativeBase: String) throws {
        var streams: [OutputStream: StreamFile] = [:]
        for stream in [OutputStream.stdout, .stderr] {
            let relative = "\(relativeBase).\(stream.rawValue)"
            let path = "\(directory)/\(relative)"
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            guard fd >= 0 else {
                let code = errno
                for s in streams.values { closeDescriptor(s.fd) }
                throw JournalError.io(path: path, operation: "create", code: code)
            }
            fchmod(fd, 0o600)
            streams[stream] = StreamFile(fd: fd, path: path, relative: relative)
        }
        self.streams = streams
    }

    deinit {
        for s in streams.values where s.fd >= 0 { closeDescriptor(s.fd) }
    }

    /// Appends the chunk to the stream's file, hash, head and tail. A write error is kept for
    /// `close()` to report: output must not stop the command that produces it.
    public func write(_ bytes: [UInt8], to stream: OutputStream) async {
        guard var file = streams[stream], !bytes.isEmpty else { return }
        do {
            if file.fd >= 0 { try PrivateFiles.writeAll(file.fd, bytes, path: file.path) }
        } catch let error as JournalError {
            if firstError == nil { firstError = error }
        } catch {}
        file.append(bytes)
        streams[stream] = file
    }

    /// Size, SHA-256 and file of what the stream received so far.
    public func digest(_ stream: OutputStream) -> OutputDigest {
        guard let file = streams[stream] else { return OutputDigest(bytes: 0, sha256: "") }
        return OutputDigest(bytes: file.count, sha256: file.hasher.finalize().hexString, file: file.relative)
    }

    /// The first bytes of the stream (up to `headLimit`).
    public func head(_ stream: OutputStream) -> [UInt8] { streams[stream]?.head ?? [] }

    /// The last bytes of the stream (up to `tailLimit`).
    public func tail(_ stream: OutputStream) -> [UInt8] { streams[stream]?.tail.contents ?? [] }

    /// True when the stream printed more than `headLimit` bytes (captures then see only the head).
    public func truncatedHead(_ stream: OutputStream) -> Bool { (streams[stream]?.count ?? 0) > Self.headLimit }

    /// Syncs and closes both files.
    /// - Throws: the first write or sync error.
    public func close() throws {
        for (stream, var file) in streams where file.fd >= 0 {
            if fsync(file.fd) != 0, firstError == nil {
                firstError = JournalError.io(path: file.path, operation: "fsync", code: errno)
            }
            closeDescriptor(file.fd)
            file.fd = -1
            streams[stream] = file
        }
        if let firstError { throw firstError }
    }
}

/// One stream's file and running summaries.
// SHA256 is a value type without a Sendable annotation; each StreamFile is owned by one actor.
struct StreamFile: @unchecked Sendable {
    var fd: Int32
    let path: String
    let relative: String
    var hasher = SHA256()
    var count = 0
    var head: [UInt8] = []
    var tail = TailBuffer(limit: OutputFileSink.tailLimit)

    mutating func append(_ bytes: [UInt8]) {
        hasher.update(data: bytes)
        count += bytes.count
        if head.count < OutputFileSink.headLimit {
            head.append(contentsOf: bytes.prefix(OutputFileSink.headLimit - head.count))
        }
        tail.append(bytes)
    }
}

/// The last `limit` bytes of a stream, in a ring.
struct TailBuffer {
    let limit: Int
    private var ring: [UInt8] = []
    private var start = 0

    init(limit: Int) { self.limit = limit }

    mutating func append(_ bytes: [UInt8]) {
        let incoming = bytes.count > limit ? Array(bytes.suffix(limit)) : bytes
        for b in incoming {
            if ring.count < limit {
                ring.append(b)
            } else {
                ring[start] = b
                start = (start + 1) % limit
            }
        }
    }

    /// The bytes in stream order.
    var contents: [UInt8] { Array(ring[start...] + ring[..<start]) }
}
