import RunbookYAML
import RunbookCore

/// A small strict JSON reader for journal lines.
///
/// Replay reads every line of a journal (100,000 lines must take well under a second), and
/// Foundation's `JSONDecoder` spends most of that building intermediate containers. Journal
/// lines are flat objects of strings and integers with two small nested shapes, so a direct
/// byte scanner is both simpler to reason about and about ten times faster.
struct JSONScanner {
    struct Failure: Error { var reason: String }

    private let bytes: ArraySlice<UInt8>
    private var i: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.i = bytes.startIndex
    }

    /// Calls `field` for each key of the top-level object, positioned at its value; then checks
    /// nothing but whitespace follows.
    mutating func object(_ field: (inout JSONScanner, String) throws -> Void) throws {
        try expect(UInt8(ascii: "{"))
        skipSpace()
        if peek == UInt8(ascii: "}") { i += 1 } else {
            while true {
                skipSpace()
                let key = try string()
                skipSpace()
                try expect(UInt8(ascii: ":"))
                skipSpace()
                try field(&self, key)
                skipSpace()
                if peek == UInt8(ascii: ",") { i += 1; continue }
                try expect(UInt8(ascii: "}"))
                break
            }
        }
    }

    /// Checks that only whitespace is left.
    mutating func end() throws {
        skipSpace()
        guard i == bytes.endIndex else { throw Failure(reason: "not valid JSON") }
    }

    mutating func string() throws -> String {
        try expect(UInt8(ascii: "\""))
        let start = i
        while i < bytes.endIndex {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                let s = String(decoding: bytes[start..<i], as: UTF8.self)
                i += 1
                return s
            }
            if b == UInt8(ascii: "\\") { return try escapedString(from: start) }
            if b < 0x20 { throw Failure(reason: "not valid JSON") }
            i += 1
        }
        throw Failure(reason: "not valid JSON")
    }

    mutating func int() throws -> Int {
        let start = i
        if peek == UInt8(ascii: "-") { i += 1 }
        var value = 0
        var digits = 0
        while i < bytes.endIndex, bytes[i] >= 0x30, bytes[i] <= 0x39 {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int(bytes[i] - 0x30))
            guard !o1, !o2 else { throw Failure(reason: "number too large") }
            value = a
            digits += 1
            i += 1
        }
        guard digits > 0 else { throw Failure(reason: "wrong type") }
        if let next = peek, next == UInt8(ascii: ".") || next == UInt8(ascii: "e") || next == UInt8(ascii: "E") {
            throw Failure(reason: "wrong type")
        }
        return bytes[start] == UInt8(ascii: "-") ? -value : value
    }

    /// Any JSON value as a `Value` (integers only: the journal writes no other numbers).
    mutating func value() throws -> Value {
        skipSpace()
        switch peek {
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "{"):
            var map: [String: Value] = [:]
            try object { scanner, key in map[key] = try scanner.value() }
            return .map(map)
        case UInt8(ascii: "["):
            i += 1
            var items: [Value] = []
            skipSpace()
            if peek == UInt8(ascii: "]") { i += 1; return .list(items) }
            while true {
                items.append(try value())
                skipSpace()
                if peek == UInt8(ascii: ",") { i += 1; continue }
                try expect(UInt8(ascii: "]"))
                return .list(items)
            }
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: return .int(try int())
        }
    }

    private var peek: UInt8? { i < bytes.endIndex ? bytes[i] : nil }

    private mutating func expect(_ b: UInt8) throws {
        guard peek == b else { throw Failure(reason: "not valid JSON") }
        i += 1
    }

    private mutating func literal(_ word: StaticString) throws {
        for b in UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount) { try expect(b) }
    }

    private mutating func skipSpace() {
        while let b = peek, b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { i += 1 }
    }

    private mutating func escapedString(from start: Int) throws -> String {
        var out = Array(bytes[start..<i])
        while i < bytes.endIndex {
            let b = bytes[i]
            i += 1
            if b == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
            if b < 0x20 { break }
            guard b == UInt8(ascii: "\\") else { out.append(b); continue }
            guard let e = peek else { break }
            i += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    try expect(UInt8(ascii: "\\"))
                    try expect(UInt8(ascii: "u"))
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw Failure(reason: "not valid JSON") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let u = Unicode.Scalar(scalar) else { throw Failure(reason: "not valid JSON") }
                out.append(contentsOf: Array(String(Character(u)).utf8))
            default: throw Failure(reason: "not valid JSON")
            }
        }
        throw Failure(reason: "not valid JSON")
    }

    private mutating func hex4() throws -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard let b = peek else { throw Failure(reason: "not valid JSON") }
            let d: UInt32
            switch b {
            case 0x30...0x39: d = UInt32(b - 0x30)
            case 0x61...0x66: d = UInt32(b - 0x61 + 10)
            case 0x41...0x46: d = UInt32(b - 0x41 + 10)
            default: throw Failure(reason: "not valid JSON")
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }
}
