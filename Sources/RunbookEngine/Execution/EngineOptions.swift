import RunbookCore

/// Knobs of one run that do not come from the runbook.
public struct EngineOptions: Sendable {
    /// At most this many step instances run at once (`--parallel`).
    public var parallel: Int
    /// Approve every `confirm` without asking (`--yes`); each approval is still journaled.
    public var assumeYes: Bool
    /// How long a command has between SIGTERM and SIGKILL when it times out or the run is interrupted.
    public var gracePeriod: TimeSpan
    /// Default `wait` timeout when a runbook omits it (the loader requires one; this guards hand-built runbooks).
    public var defaultWaitTimeout: TimeSpan
    /// Time source for retries, waits and polls; tests inject a virtual clock so they run instantly.
    public var clock: any EngineClock
    /// The largest file a `fetch` copies (it is held in memory); tests lower it.
    public var fetchLimit: Int = FileAction.fetchLimit

    public init(parallel: Int = 4, assumeYes: Bool = false, gracePeriod: TimeSpan = .seconds(5),
                defaultWaitTimeout: TimeSpan = .seconds(300), clock: any EngineClock = SystemEngineClock()) {
        self.parallel = max(1, parallel)
        self.assumeYes = assumeYes
        self.gracePeriod = gracePeriod
        self.defaultWaitTimeout = defaultWaitTimeout
        self.clock = clock
    }
}

/// Elapsed time and sleeping, behind a protocol so retries and polls can be tested without waiting.
public protocol EngineClock: Sendable {
    /// Time since an arbitrary fixed point; only differences matter.
    func now() -> Duration
    /// Sleeps; throws `CancellationError` when the run is interrupted.
    func sleep(for duration: Duration) async throws
}

/// The real clock.
public struct SystemEngineClock: EngineClock {
    private let start = ContinuousClock.now
    public init() {}
    public func now() -> Duration { ContinuousClock.now - start }
    public func sleep(for duration: Duration) async throws { try await Task.sleep(for: duration) }
}
