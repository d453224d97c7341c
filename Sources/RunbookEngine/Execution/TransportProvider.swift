import RunbookCore

/// Gives the engine a transport for a host (`local`, `ssh`, `sim` …).
public protocol TransportProvider: Sendable {
    /// The transport that reaches `host`; the machine running `runbook` is `InventoryHost.local`.
    /// - Throws: `TransportError` when the host's transport kind is not available.
    func transport(for host: InventoryHost) throws -> any Transport
}
