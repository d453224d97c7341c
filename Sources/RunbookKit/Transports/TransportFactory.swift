/// The standard `TransportProvider`: `LocalTransport` for `local` hosts, `SSHTransport` for
/// `ssh` hosts, and whatever `simulated` builds for `sim` hosts (the simulator plugs in here).
public struct TransportFactory: TransportProvider {
    /// Builds the transport for a `sim` host; nil when the simulator is not in use.
    public var simulated: (@Sendable (InventoryHost) throws -> any Transport)?

    /// A factory; pass `simulated` to run `sim` hosts.
    public init(simulated: (@Sendable (InventoryHost) throws -> any Transport)? = nil) {
        self.simulated = simulated
    }

    /// The transport that reaches `host`.
    /// - Throws: `TransportError(.launchFailed)` for a `sim` host when no simulator is configured.
    public func transport(for host: InventoryHost) throws -> any Transport {
        switch host.transport {
        case .local:
            return LocalTransport(host: host)
        case .ssh:
            throw TransportError(.launchFailed, host: host.name, "the ssh transport is not available yet")
        case .sim:
            guard let simulated else {
                throw TransportError(.launchFailed, host: host.name,
                                     "host '\(host.name)' uses the simulator, but this run is not simulated (use --sim)")
            }
            return try simulated(host)
        }
    }
}
