import Testing
@testable import RunbookTerminal

/// Colour only on a terminal, never with a non-empty NO_COLOR, never for TERM=dumb; the progress
/// views and the CLI's diagnostics ask the same policy.
@Suite struct ColourPolicyTests {
    @Test func terminalWithoutNoColourIsColoured() {
        #expect(ColourPolicy.enabled(isTerminal: true, environment: [:]))
        #expect(ColourPolicy.enabled(isTerminal: true, environment: ["NO_COLOR": ""]))
    }

    @Test func noColourDumbTerminalOrPipeIsPlain() {
        #expect(!ColourPolicy.enabled(isTerminal: true, environment: ["NO_COLOR": "1"]))
        #expect(!ColourPolicy.enabled(isTerminal: true, environment: ["TERM": "dumb"]))
        #expect(!ColourPolicy.enabled(isTerminal: false, environment: [:]))
    }

    @Test func progressStyleFollowsThePolicy() {
        #expect(ProgressStyle.detect(isTerminal: true, environment: ["NO_COLOR": "x"]).colour == false)
        #expect(ProgressStyle.detect(isTerminal: true, environment: ["TERM": "xterm"]).colour == true)
        #expect(ProgressStyle.detect(isTerminal: false, environment: ["TERM": "xterm"]).colour == false)
    }
}
