import Testing
import RunbookCore
import RunbookEngine
import TestSupport

@Suite struct TransportFactoryTests {
    @Test func picksTheTransportForEachKind() throws {
        let factory = TransportFactory(sshControlDirectory: "/tmp/cm-test", sshMultiplexing: false)
        #expect(try factory.transport(for: .local) is LocalTransport)
        let ssh = try #require(try factory.transport(for: InventoryHost(name: "m0")) as? SSHTransport)
        #expect(ssh.host.name == "m0")
        #expect(ssh.controlDirectory == "/tmp/cm-test")
        #expect(ssh.multiplexing == false)
    }

    @Test func simulatedHostsNeedTheSimulatorHook() throws {
        let sim = InventoryHost(name: "sim-0", transport: .sim)
        let error = #expect(throws: TransportError.self) { try TransportFactory().transport(for: sim) }
        #expect(error?.message == "host 'sim-0' uses the simulator, but this run is not simulated (use --sim)")
        let hooked = TransportFactory(simulated: { LocalTransport(host: $0) })
        #expect(try hooked.transport(for: sim).host.name == "sim-0")
    }
}
