import RunbookCore

/// A `ProgressReporter` that masks secret values before anything reaches the operator's
/// terminal (or `--output json`): events, the live view's last output line, the outcome.
///
/// Output arrives in chunks, so a secret can be split across two of them: per step and stream,
/// the bytes that could be the start of a secret are held back until the next chunk shows
/// whether they were one (the live view only ever shows whole lines, so nothing is lost).
actor ScrubbingProgress: ProgressReporter {
    private let base: any ProgressReporter
    private let scrubber: SecretScrubber
    private var pending: [String: [UInt8]] = [:]

    init(base: any ProgressReporter, scrubber: SecretScrubber) {
        self.base = base
        self.scrubber = scrubber
    }

    func report(_ event: RunEvent) async {
        if event.kind == .attemptFinished, let step = event.step {
            // The attempt ended: what was held back for it can no longer turn into a secret.
            for stream in [OutputStream.stdout, .stderr] {
                if let rest = pending.removeValue(forKey: "\(stream)\u{0}\(step)"), !rest.isEmpty {
                    await base.output(step: scrubber.scrub(step), stream: stream, bytes: rest)
                }
            }
        }
        await base.report(scrubber.scrub(event))
    }

    func output(step: String, stream: OutputStream, bytes: [UInt8]) async {
        let key = "\(stream)\u{0}\(step)"
        let scrubbed = scrubber.scrub((pending[key] ?? []) + bytes)
        let held = scrubber.pendingSuffixLength(scrubbed)
        pending[key] = Array(scrubbed.suffix(held))
        let ready = Array(scrubbed.dropLast(held))
        if !ready.isEmpty { await base.output(step: scrubber.scrub(step), stream: stream, bytes: ready) }
    }

    func finish(_ outcome: RunOutcome) async {
        var clean = outcome
        clean.reason = outcome.reason.map(scrubber.scrub)
        clean.failedStep = outcome.failedStep.map(scrubber.scrub)
        clean.leftForHuman = outcome.leftForHuman.map(scrubber.scrub)
        clean.continuedFailures = outcome.continuedFailures.map(scrubber.scrub)
        await base.finish(clean)
    }
}
