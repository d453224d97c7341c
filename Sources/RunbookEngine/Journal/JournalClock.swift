#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Wall-clock time for journal timestamps, without Foundation's formatters (replay reads
/// 100,000 of them; writing must never allocate a formatter per line).
public enum JournalClock {
    /// Milliseconds since the Unix epoch, now.
    @Sendable public static func now() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }

    /// `2026-11-27T20:52:16.123Z`: RFC 3339, UTC, milliseconds. Written digit by digit: it is
    /// formatted twice per event (journal line, progress line).
    public static func rfc3339(milliseconds: Int64) -> String {
        var seconds = time_t(milliseconds / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        // At least `width` digits, zero-padded (a year past 9999 keeps all of its digits).
        func digits(_ value: Int32, _ width: Int) {
            var v = max(0, value)
            var divisor: Int32 = 1
            for _ in 1..<width { divisor *= 10 }
            while v / divisor >= 10 { divisor *= 10 }
            while divisor > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8(v / divisor))
                v %= divisor
                divisor /= 10
            }
        }
        digits(parts.tm_year + 1900, 4)
        bytes.append(UInt8(ascii: "-"))
        digits(parts.tm_mon + 1, 2)
        bytes.append(UInt8(ascii: "-"))
        digits(parts.tm_mday, 2)
        bytes.append(UInt8(ascii: "T"))
        digits(parts.tm_hour, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(parts.tm_min, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(parts.tm_sec, 2)
        bytes.append(UInt8(ascii: "."))
        digits(Int32(milliseconds % 1000), 3)
        bytes.append(UInt8(ascii: "Z"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `20261127-205216` (UTC), the sortable prefix of run ids.
    static func compact(milliseconds: Int64) -> String {
        let full = rfc3339(milliseconds: milliseconds)
        let digits = full.prefix(19).filter { $0.isNumber }
        return String(digits.prefix(8)) + "-" + String(digits.dropFirst(8))
    }
}
