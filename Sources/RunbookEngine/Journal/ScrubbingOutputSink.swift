import RunbookCore

/// An `OutputSink` that masks secrets before passing output on, even when a secret arrives
/// split across two chunks.
///
/// After each chunk it holds back only the bytes that could be the start of a secret (at most
/// `maxPatternLength - 1`), so live output is delayed only while it looks like a secret is
/// being printed. Call `finish()` when the command ends to flush what is held back.
public actor ScrubbingOutputSink: OutputSink {
    private let scrubber: SecretScrubber
    private let downstream: any OutputSink
    private var pending: [OutputStream: [UInt8]] = [:]

    /// Masks secrets known to `scrubber`, writing the result to `downstream`.
    public init(scrubber: SecretScrubber, downstream: any OutputSink) {
        self.scrubber = scrubber
        self.downstream = downstream
    }

    /// Scrubs the chunk (joined with any held-back bytes) and passes on all but a possible secret prefix.
    public func write(_ bytes: [UInt8], to stream: OutputStream) async {
        guard !scrubber.isEmpty else {
            await downstream.write(bytes, to: stream)
            return
        }
        var combined = pending[stream] ?? []
        combined.append(contentsOf: bytes)
        let scrubbed = scrubber.scrub(combined)
        let held = scrubber.pendingSuffixLength(scrubbed)
        pending[stream] = Array(scrubbed.suffix(held))
        let ready = Array(scrubbed.dropLast(held))
        if !ready.isEmpty { await downstream.write(ready, to: stream) }
    }

    /// Passes on the held-back bytes (they were not a secret after all).
    public func finish() async {
        for stream in [OutputStream.stdout, .stderr] {
            if let rest = pending[stream], !rest.isEmpty { await downstream.write(rest, to: stream) }
        }
        pending = [:]
    }
}
