import RunbookCore

/// Keeps everything a command printed, per stream, for tests that compare output exactly.
public actor RecordingOutputSink: OutputSink {
    /// Everything written to stdout, in order.
    public private(set) var stdout: [UInt8] = []
    /// Everything written to stderr, in order.
    public private(set) var stderr: [UInt8] = []

    public init() {}

    public func write(_ bytes: [UInt8], to stream: OutputStream) async {
        switch stream {
        case .stdout: stdout += bytes
        case .stderr: stderr += bytes
        }
    }

    /// Standard output as UTF-8 text.
    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    /// Standard error as UTF-8 text.
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}

/// Counts bytes without keeping them: shows that output is streamed in bounded chunks.
public actor ByteCountingSink: OutputSink {
    /// Bytes received on both streams.
    public private(set) var total = 0
    /// Number of writes.
    public private(set) var chunks = 0
    /// The largest single write.
    public private(set) var largestChunk = 0

    public init() {}

    public func write(_ bytes: [UInt8], to stream: OutputStream) async {
        total += bytes.count
        chunks += 1
        largestChunk = max(largestChunk, bytes.count)
    }
}
