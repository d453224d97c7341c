import Foundation
import Testing
@testable import SimulatorKit

@Suite("blockdev")
struct BlockdevTests {
    @Test("blockdev --getsize64 prints a disk's or partition's bytes; a missing device fails like util-linux")
    func sizes() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let disk = try f.run("blockdev", ["--getsize64", "/dev/vdc"], on: "node-1.example.com")
        #expect(disk.status == 0)
        #expect(disk.stdout == "\(40960 * 1_048_576)\n")
        let part = try f.run("blockdev", ["--getsize64", "/dev/vdb1"], on: "node-1.example.com")
        #expect(part.stdout == "\((20480 - 4) * 1_048_576)\n")
        let missing = try f.run("blockdev", ["--getsize64", "/dev/vdz"], on: "node-1.example.com")
        #expect(missing.status == 1)
        #expect(missing.stderr == "blockdev: cannot open /dev/vdz: No such file or directory\n")
    }
}
