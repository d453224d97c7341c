import Foundation
import Testing
import RunbookCore
import TestSupport

/// A run-time value with a NUL byte (here a capture) fails the step that would use it, clearly, before it runs.
@Suite struct NULValueTests {
    @Test func aCaptureWithANULFailsTheStepThatUsesIt() async throws {
        let h = try EngineHarness()
        var producer = Step.run("produce", #"printf 'value=a\000b\n'"#)
        producer.capture = [Capture(name: "v", source: .regex("value=(.*)"), location: testLocation)]
        let consumer = Step.test("consume", .run(.expr(.reference(["steps", "produce", "outputs", "v"]),
                                                       before: "touch \(h.path("ran")) ", after: "")))
        let outcome = await h.engine(.test([producer, consumer])).run()

        #expect(outcome.exitCode != 0)
        #expect(outcome.failedStep == "consume")
        // The builder's expression source is written `${{ … }}`; a loaded runbook names the reference.
        #expect(outcome.reason == "test.yaml:1:1: error: the value of '${{ … }}' contains a NUL byte, which no command, file or terminal can take")
        #expect(!FileManager.default.fileExists(atPath: h.path("ran")))
    }
}
