import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The hostile-input suite through the real binary: each case exits 2 with a one-screen message,
/// no crash, no hang (a generous timeout), and bounded memory (the children's peak RSS).
@Suite struct HostileValidateTests {
    static func cases() -> [(name: String, bytes: [UInt8], message: String)] {
        var bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1...9 { bomb += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }
        var big = Array("runbook: x\ndescription: \"".utf8)
        big += [UInt8](repeating: 0x61, count: 64 << 20)
        big += Array("\"\nsteps: []\n".utf8)
        return [
            ("alias-bomb", Array(bomb.utf8), "aliases expand to more than 100000 nodes"),
            ("deep-flow", Array(("a: " + String(repeating: "[", count: 20_000) + String(repeating: "]", count: 20_000) + "\n").utf8),
             "nesting deeper than 256 levels"),
            ("deep-block", Array((String(repeating: "- ", count: 20_000) + "x\n").utf8), "nesting deeper than 256 levels"),
            ("huge-scalar", big, "the file is larger than the limit of 16777216 bytes"),
            ("invalid-utf8", Array("runbook: x\ntitle: \"caf".utf8) + [0xFF] + Array("\"\n".utf8), "the file is not valid UTF-8"),
            ("tabs", Array("runbook: x\nsteps:\n\t- id: a\n".utf8), "found character that cannot start any token"),
            ("duplicate-keys", Array("runbook: x\nrunbook: y\nsteps: [{id: a, run: ls}]\n".utf8), "duplicate key 'runbook'"),
            ("two-documents", Array("runbook: x\nsteps: [{id: a, run: ls}]\n---\nrunbook: y\n".utf8), "found a second one here"),
            ("empty", [], "the file is empty"),
            ("top-level-list", Array("- id: a\n  run: ls\n".utf8), "expected a mapping at the top level, found a list"),
        ]
    }

    @Test func everyHostileInputExitsTwoWithAShortMessage() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/time"), "install 'time' (scripts/install-deps --test)")
        let dir = try Scratch(prefix: "hostile")

        for c in Self.cases() {
            let file = try dir.write("\(c.name).yaml", "")
            try Data(c.bytes).write(to: URL(fileURLWithPath: file))
            // /usr/bin/time reports this child's own peak RSS (RUSAGE_CHILDREN would mix in the
            // children of every other test running in parallel in this process).
            let child = try CLI.start(["validate", file], launch: .wrapped(["/usr/bin/time", "-f", "maxrss-kb=%M"]))
            if !(await eventually(seconds: 60) { !child.isRunning }) {
                child.send(SIGKILL)
                _ = await child.wait()
                Issue.record("\(c.name): still running after 60 s")
                continue
            }
            let outcome = await child.wait()
            var lines = outcome.stderr.split(separator: "\n", omittingEmptySubsequences: false)
            while lines.last == "" { lines.removeLast() }
            let peak = lines.last.flatMap { $0.hasPrefix("maxrss-kb=") ? Int($0.dropFirst(10)) : nil }
            if peak != nil { lines.removeLast() }
            let text = lines.joined(separator: "\n")
            // The 64 MiB file must not be read whole: every case stays far below that.
            #expect((peak ?? Int.max) < 200 * 1024, "\(c.name) peaked at \(peak.map { "\($0) KB" } ?? "an unknown size")")
            #expect(outcome.signal == nil, "\(c.name) crashed")
            #expect(outcome.status == 2, "\(c.name) exited \(outcome.status)")
            #expect(text.contains(c.message), "\(c.name): \(text)")
            #expect(text.hasPrefix(file + ":"), "\(c.name) has no position: \(text)")
            #expect(text.split(separator: "\n").count <= 10, "\(c.name) printed more than a screen")
        }
    }
}
