import RunbookCore

/// Writes a `JournalRecord` as one JSON line with a fixed key order.
///
/// The hash chain covers the exact bytes, so the encoding must be deterministic: keys always in
/// the order `v, seq, ts, run, operator, event, <event fields>, prev`, absent fields omitted,
/// map keys (captured outputs) sorted, no whitespace. A hand-written writer keeps that promise
/// independent of Foundation's JSON implementation.
public enum JournalLineEncoder {
    /// The line's bytes, without the trailing newline.
    public static func encode(_ record: JournalRecord) -> [UInt8] {
        var out = JSONWriter()
        out.begin()
        out.field("v", int: record.version)
        out.field("seq", int: record.sequence)
        out.field("ts", string: record.timestamp)
        out.field("run", string: record.run)
        out.field("operator", string: record.operatorName)
        fields(of: record.event, into: &out)
        out.field("prev", string: record.previousHash)
        out.end()
        return out.bytes
    }

    /// An event as `run --output json` prints it: `ts`, then exactly the journal's `event` and
    /// event fields, written by the same code (no second encoding of events).
    public static func encodeProgress(_ e: RunEvent, timestamp: String) -> [UInt8] {
        var out = JSONWriter()
        out.begin()
        out.field("ts", string: timestamp)
        fields(of: e, into: &out)
        out.end()
        return out.bytes
    }

    /// `event` and the event's fields, in the journal's order; absent fields omitted.
    static func fields(of e: RunEvent, into out: inout JSONWriter) {
        out.field("event", string: e.kind.rawValue)
        if let v = e.step { out.field("step", string: v) }
        if let v = e.host { out.field("host", string: v) }
        if let v = e.attempt { out.field("attempt", int: v) }
        if let v = e.command { out.field("command", string: v) }
        if let v = e.status { out.field("status", string: v.description) }
        if let v = e.durationMilliseconds { out.field("durationMs", int: v) }
        if let v = e.stdout { out.key("stdout"); out.digest(v) }
        if let v = e.stderr { out.key("stderr"); out.digest(v) }
        if let v = e.outputs { out.key("outputs"); out.value(.map(v)) }
        if let v = e.message { out.field("message", string: v) }
        if let v = e.path { out.field("path", string: v) }
        if let v = e.snapshot { out.field("snapshot", string: v) }
        if let v = e.files { out.key("files"); out.value(.map(v.mapValues(Value.string))) }
        if let v = e.process { out.key("process"); out.process(v) }
    }
}

/// A minimal JSON writer for the journal's fixed shapes.
package struct JSONWriter {
    package private(set) var bytes: [UInt8] = []
    private var needsComma = false

    package init() { bytes.reserveCapacity(256) }

    package mutating func begin() { bytes.append(UInt8(ascii: "{")); needsComma = false }
    package mutating func end() { bytes.append(UInt8(ascii: "}")); needsComma = true }

    package mutating func key(_ k: String) {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        string(k)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    package mutating func field(_ k: String, string v: String) { key(k); string(v); needsComma = true }
    package mutating func field(_ k: String, int v: Int) { key(k); bytes.append(contentsOf: String(v).utf8); needsComma = true }

    mutating func digest(_ d: OutputDigest) {
        begin()
        field("bytes", int: d.bytes)
        field("sha256", string: d.sha256)
        if let f = d.file { field("file", string: f) }
        end()
    }

    package mutating func process(_ p: ProcessIdentity) {
        begin()
        field("pid", int: Int(p.pid))
        field("group", int: Int(p.group))
        field("start", string: String(p.startTime))
        if let b = p.boot { field("boot", string: b) }
        if let r = p.remoteGroupFile { field("remoteGroupFile", string: r) }
        end()
    }

    package mutating func value(_ v: Value) {
        switch v {
        case .string(let s): string(s)
        case .int(let i): bytes.append(contentsOf: String(i).utf8)
        case .bool(let b): bytes.append(contentsOf: (b ? "true" : "false").utf8)
        case .null: bytes.append(contentsOf: "null".utf8)
        case .list(let items):
            bytes.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                value(item)
            }
            bytes.append(UInt8(ascii: "]"))
        case .map(let m):
            begin()
            for k in m.keys.sorted() {
                key(k)
                value(m[k] ?? .null)
                needsComma = true
            }
            end()
            return
        }
        needsComma = true
    }

    mutating func string(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = s
        // Runs of bytes that need no escape are copied whole (issue 15: one append per byte was
        // the largest self time of runbook's own code in a 1,000-host fan-out).
        text.withUTF8 { utf8 in
            var start = 0
            for index in utf8.indices where Self.needsEscape(utf8[index]) {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                escape(utf8[index])
                start = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == 0x7F
    }

    private mutating func escape(_ b: UInt8) {
        switch b {
        case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
        case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
        case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
        case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
        case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
        default:
            let hex = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0xF)]])
        }
    }
}
