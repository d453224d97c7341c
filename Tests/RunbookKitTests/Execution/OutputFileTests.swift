import Foundation
@testable import RunbookYAML
@testable import RunbookCore
@testable import RunbookEngine
import Testing
import TestSupport

/// Output files: a write that fails fails the step, and every step key gets its own file name.
@Suite("Output files")
struct OutputFileTests {
    @Test("a full disk under output/ fails the step with a clear message, never a silent success")
    func diskFull() async throws {
        let h = try EngineHarness()
        let output = h.directory.appendingPathComponent("run/output").path
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        let mount = try run("/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", output])
        try #require(mount == 0, "mounting a 64 KiB tmpfs needs root (the project's test machines run as root)")
        defer { _ = try? run("/bin/umount", [output]) }

        let outcome = await h.engine(.test([.run("big", "yes x | head -c 300000")])).run()
        #expect(outcome.exitCode == 1)
        #expect(outcome.failedStep == "big")
        let reason = try #require(outcome.reason)
        #expect(reason.hasPrefix("its output could not be saved in the run directory: "), "\(reason)")
        #expect(await h.recorder.lines([.stepSucceeded, .stepFailed]).first?.hasPrefix("stepFailed big") == true)
    }

    @Test("file names are one to one: for_each items a b, a_b, a?b and hosts a/b, a__b never share a file")
    func collisionFree() {
        let keys = ["fe[a b]", "fe[a_b]", "fe[a?b]", "fe[a%20b]", "s@a/b", "s@a__b", "p/c", "p__c"]
        let names = keys.map(RunDirectoryOutputStore.fileName)
        #expect(Set(names).count == keys.count, "\(names)")
        #expect(names == ["fe[a%20b]", "fe[a_b]", "fe[a%3Fb]", "fe[a%2520b]", "s@a%2Fb", "s@a__b", "p%2Fc", "p__c"])
    }

    @Test("a key past the length limit keeps a readable prefix and a digest; two long keys differ")
    func longKeys() {
        let long = "fe[" + String(repeating: "x", count: 300) + "]"
        let other = "fe[" + String(repeating: "x", count: 299) + "y]"
        let a = RunDirectoryOutputStore.fileName(long)
        let b = RunDirectoryOutputStore.fileName(other)
        #expect(a != b)
        #expect(a.utf8.count == 120 + 1 + 32)
        #expect(a.hasPrefix("fe[xxxx"))
        #expect(a.contains("~"))
    }

    @Test("a step key of 300 bytes still gets its output saved and journaled")
    func longKeySaved() async throws {
        let h = try EngineHarness()
        let item = String(repeating: "k", count: 300)
        var step = Step.run("fe", "echo saved")
        step.forEach = ForEach(items: .list([.test(item)]), location: testLocation)
        let outcome = await h.engine(.test([step])).run()
        #expect(outcome.exitCode == 0)
        let finished = try #require(await h.recorder.events.first { $0.kind == .attemptFinished })
        let file = try #require(finished.stdout?.file)
        let saved = try String(contentsOfFile: h.directory.appendingPathComponent("run/\(file)").path, encoding: .utf8)
        #expect(saved == "saved\n")
    }

    private func run(_ executable: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
