import RunbookCore

/// The standard `TransportProvider`: `LocalTransport` for `local` hosts, `SSHTransport` for
/// `ssh` hosts, and whatever `simulated` builds for `sim` hosts (the simulator plugs in here).
public struct TransportFactory: TransportProvider {
    /// Builds the transport for a `sim` host; nil when the simulator is not in use.
    public var simulated: (@Sendable (InventoryHost) throws -> any Transport)?

    /// Where ssh control sockets go (e.g. under the run directory); nil for `$TMPDIR/runbook-ssh-<uid>`.
    public var sshControlDirectory: String?
    /// Share one ssh connection per host between commands.
    public var sshMultiplexing: Bool

    /// A rehearsal: `ssh` and `local` hosts (and steps without `on`) go to the simulator too, so
    /// a real inventory can be rehearsed without ever reaching a real host or this machine.
    public var everyHostSimulated: Bool

    /// A factory; pass `simulated` to run `sim` hosts (and, with `everyHostSimulated`, `ssh` hosts).
    public init(sshControlDirectory: String? = nil, sshMultiplexing: Bool = true,
                simulated: (@Sendable (InventoryHost) throws -> any Transport)? = nil,
                everyHostSimulated: Bool = false) {
        self.sshControlDirectory = sshControlDirectory
        self.sshMultiplexing = sshMultiplexing
        self.simulated = simulated
        self.everyHostSimulated = everyHostSimulated && simulated != nil
    }

    /// The transport that reaches `host`.
    /// - Throws: `TransportError(.launchFailed)` for a `sim` host when no simulator is configured.
    public func transport(for host: InventoryHost) throws -> any Transport {
        switch host.transport {
        case .local where everyHostSimulated:
            // The machine running `runbook` is simulated too (a rehearsal never touches it).
            return try simulatedTransport(host)
        case .local:
            return LocalTransport(host: host)
        case .ssh where everyHostSimulated:
            return try simulatedTransport(host)
        case .ssh:
            return SSHTransport(host: host, multiplexing: sshMultiplexing, controlDirectory: sshControlDirectory)
        case .sim:
            return try simulatedTransport(host)
        }
    }

    private func simulatedTransport(_ host: InventoryHost) throws -> any Transport {
        guard let simulated else {
            throw TransportError(.launchFailed, host: host.name,
                                 "host '\(host.name)' uses the simulator, but this run is not simulated (use --sim)")
        }
        return try simulated(host)
    }
}
