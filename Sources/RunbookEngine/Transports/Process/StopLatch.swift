/// Why a running command is being ended before it finished on its own.
enum StopReason: Sendable, Hashable {
    case timedOut
    case interrupted
}

/// Records the first request to stop a command and wakes whoever waits for it.
///
/// Timeout and interruption race; the first one wins and later requests are ignored, so a
/// command is reported as timed out or interrupted, never both.
actor StopLatch {
    private(set) var reason: StopReason?
    private var finished = false
    private var waiters: [CheckedContinuation<StopReason?, Never>] = []

    /// Asks the command to stop; ignored once a reason is set or the command has finished.
    func request(_ reason: StopReason) {
        guard self.reason == nil, !finished else { return }
        self.reason = reason
        resumeAll(with: reason)
    }

    /// Marks the command as finished: waiters wake with nil when nothing asked it to stop.
    func finish() {
        finished = true
        resumeAll(with: reason)
    }

    /// Waits until a stop is requested (its reason) or the command finished (nil).
    func wait() async -> StopReason? {
        if reason != nil || finished { return reason }
        return await withCheckedContinuation { waiters.append($0) }
    }

    private func resumeAll(with value: StopReason?) {
        let pending = waiters
        waiters = []
        for waiter in pending { waiter.resume(returning: value) }
    }
}
