/// A counting semaphore for async code: bounds how many step instances run at once.
actor Permits {
    private var available: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(_ count: Int) { available = max(1, count) }

    func acquire() async {
        if available > 0 {
            available -= 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    /// Takes a permit when one is free; false (taking nothing) when `acquire` would wait.
    func tryAcquire() -> Bool {
        guard available > 0 else { return false }
        available -= 1
        return true
    }

    func release() {
        if waiters.isEmpty { available += 1 } else { waiters.removeFirst().resume() }
    }
}
