import Foundation
import Testing
import RunbookCore
import TestSupport
@testable import SimulatorKit

/// The file tools map absolute paths onto the host's tree, but not the devices every host has:
/// `tar -T /dev/null` (backup-node-host's empty list) failed in rehearsal with "Cannot stat".
@Suite("file tools and devices")
struct FileToolDeviceTests {
    @Test("tar -T /dev/null, cat /dev/null and cmp against /dev/null read the device in a step's sandbox; other /dev paths stay the host's")
    func devicesPassThrough() async throws {
        let f = try SimFixture()
        defer { f.remove() }
        let t = SimTransport(host: InventoryHost(name: "master-0.example.com", transport: .sim), simDirectory: f.dir,
                             base: ProcessTransport())
        let sink = CollectingSink()
        let r = try await t.run(CommandRequest(command: """
            tar -czf /etc/empty.tar.gz -T /dev/null && tar -tzf /etc/empty.tar.gz | wc -l && cat /dev/null && \
            : > /etc/empty && cmp /etc/empty /dev/null && echo same
            """), sink: sink)
        #expect(r.status == .exited(0))
        #expect(await sink.stdoutText == "0\nsame\n")
        #expect(f.tree("master-0.example.com").exists("/etc/empty.tar.gz"))
        let disk = try await t.run(CommandRequest(command: "ls /dev/vdb"), sink: CollectingSink())
        #expect(disk.status == .exited(2))
    }
}
