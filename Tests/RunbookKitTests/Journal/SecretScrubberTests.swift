import Testing
@testable import RunbookYAML
@testable import RunbookCore
@testable import RunbookEngine

@Suite("Secret scrubber")
struct SecretScrubberTests {
    @Test("clear and shell-quoted forms are masked; empty secrets ignored")
    func strings() {
        let s = SecretScrubber(secrets: ["hunter2", "it's", ""])
        #expect(s.scrub("pw=hunter2 again hunter2") == "pw=*** again ***")
        #expect(s.scrub("echo 'it'\\''s'") == "echo ***")
        #expect(s.scrub("nothing here") == "nothing here")
        #expect(SecretScrubber(secrets: [""]).isEmpty)
    }

    /// Collects what reaches the end of the pipe.
    actor Collector: OutputSink {
        var out: [OutputStream: [UInt8]] = [:]
        func write(_ bytes: [UInt8], to stream: OutputStream) async { out[stream, default: []] += bytes }
        func text(_ s: OutputStream) -> String { String(decoding: out[s] ?? [], as: UTF8.self) }
    }

    @Test("a secret split across chunks (and streams interleaved) never passes through")
    func acrossChunks() async {
        let collector = Collector()
        let sink = ScrubbingOutputSink(scrubber: SecretScrubber(secrets: ["topsecret"]), downstream: collector)
        let text = "a topsecret b topsecret c tops"
        // Every split point, one byte at a time on stdout, interleaved with stderr chunks.
        for byte in Array(text.utf8) {
            await sink.write([byte], to: .stdout)
            await sink.write(Array("x".utf8), to: .stderr)
            #expect(await !collector.text(.stdout).contains("topsecret"))
        }
        await sink.finish()
        #expect(await collector.text(.stdout) == "a *** b *** c tops")
        #expect(await collector.text(.stderr) == String(repeating: "x", count: text.utf8.count))
    }

    @Test("output that is not a secret prefix is passed on at once")
    func noDelay() async {
        let collector = Collector()
        let sink = ScrubbingOutputSink(scrubber: SecretScrubber(secrets: ["topsecret"]), downstream: collector)
        await sink.write(Array("hello to".utf8), to: .stdout)
        #expect(await collector.text(.stdout) == "hello ")
        await sink.write(Array("day".utf8), to: .stdout)
        #expect(await collector.text(.stdout) == "hello today")
    }
}
