import Testing
@testable import RunbookEngine

/// The journal's timestamps, written digit by digit since issue 15 (they were interpolated).
@Suite struct JournalClockTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"),
        (1_790_000_000_123, "2026-09-21T14:13:20.123Z"),
        (1_764_547_200_009, "2025-12-01T00:00:00.009Z"),
        (253_402_300_800_000, "10000-01-01T00:00:00.000Z"),
    ])
    func rfc3339(milliseconds: Int64, text: String) {
        #expect(JournalClock.rfc3339(milliseconds: milliseconds) == text)
    }

    @Test func runIDPrefix() {
        #expect(JournalClock.compact(milliseconds: 1_790_000_000_123) == "20260921-141320")
    }
}
