import RunbookCore

/// An `OutputStore` that masks secret values in everything a command prints before it reaches
/// the output files (and the head kept for `expect`/`capture`), even when a step echoes a secret.
struct ScrubbingOutputStore: OutputStore {
    var base: any OutputStore
    var scrubber: SecretScrubber

    func makeSink(step: String, attempt: Int, label: String) async throws -> any AttemptOutput {
        let inner = try await base.makeSink(step: step, attempt: attempt, label: label)
        guard !scrubber.isEmpty else { return inner }
        return ScrubbedAttempt(inner: inner, scrubbing: ScrubbingOutputSink(scrubber: scrubber, downstream: inner))
    }

    func saveSnapshot(_ contents: [UInt8], step: String, path: String) async throws -> String {
        try await base.saveSnapshot(contents, step: step, path: path)
    }

    func loadSnapshot(_ name: String) async throws -> [UInt8] {
        try await base.loadSnapshot(name)
    }
}

/// One attempt's output, scrubbed on the way in.
private struct ScrubbedAttempt: AttemptOutput {
    var inner: any AttemptOutput
    var scrubbing: ScrubbingOutputSink

    func write(_ bytes: [UInt8], to stream: OutputStream) async {
        await scrubbing.write(bytes, to: stream)
    }

    func finish() async throws -> CapturedOutput {
        await scrubbing.finish()
        return try await inner.finish()
    }
}
