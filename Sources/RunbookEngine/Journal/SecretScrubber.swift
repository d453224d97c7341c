import RunbookCore

/// Replaces secret param values with `***` wherever they could leak: journal fields, output
/// files, the terminal, error messages.
///
/// Each secret is matched in clear and in its shell-quoted form (`'…'` with `'\''`), because
/// that is how it appears in a rendered command. Longer patterns are replaced first so a
/// quoted form is not half-replaced through the plain value inside it.
public struct SecretScrubber: Sendable, Hashable {
    /// What a secret becomes.
    public static let mask = "***"

    /// Byte patterns to replace, longest first.
    let patterns: [[UInt8]]

    /// A scrubber for these secret values (empty values are ignored: they would match everywhere).
    public init(secrets: [String] = []) {
        var set = Set<[UInt8]>()
        for secret in secrets where !secret.isEmpty {
            set.insert(Array(secret.utf8))
            set.insert(Array(Self.shellQuoted(secret).utf8))
        }
        patterns = set.sorted { $0.count != $1.count ? $0.count > $1.count : $0.lexicographicallyPrecedes($1) }
    }

    /// True when there is nothing to scrub.
    public var isEmpty: Bool { patterns.isEmpty }

    /// The longest pattern in bytes; a streaming scrubber holds back at most one less than this.
    public var maxPatternLength: Int { patterns.first?.count ?? 0 }

    /// `text` with every secret replaced by `***`.
    public func scrub(_ text: String) -> String {
        guard !patterns.isEmpty else { return text }
        let bytes = Array(text.utf8)
        let scrubbed = scrub(bytes)
        return scrubbed == bytes ? text : String(decoding: scrubbed, as: UTF8.self)
    }

    /// `bytes` with every secret replaced by `***`.
    public func scrub(_ bytes: [UInt8]) -> [UInt8] {
        guard !patterns.isEmpty, !bytes.isEmpty else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        var changed = false
        let mask = Array(Self.mask.utf8)
        outer: while i < bytes.count {
            for p in patterns where p[0] == bytes[i] && i + p.count <= bytes.count {
                if bytes[i..<(i + p.count)].elementsEqual(p) {
                    out.append(contentsOf: mask)
                    i += p.count
                    changed = true
                    continue outer
                }
            }
            out.append(bytes[i])
            i += 1
        }
        return changed ? out : bytes
    }

    /// The length of the longest suffix of `bytes` that is a proper prefix of some secret:
    /// those bytes may be the start of a secret split across two output chunks.
    func pendingSuffixLength(_ bytes: [UInt8]) -> Int {
        let limit = min(bytes.count, maxPatternLength - 1)
        guard limit > 0 else { return 0 }
        for length in stride(from: limit, through: 1, by: -1) {
            let suffix = bytes[(bytes.count - length)...]
            if patterns.contains(where: { $0.count > length && $0[..<length].elementsEqual(suffix) }) {
                return length
            }
        }
        return 0
    }

    /// An event with every string field scrubbed (step, host, command, message, path,
    /// snapshot, captured outputs).
    public func scrub(_ event: RunEvent) -> RunEvent {
        guard !patterns.isEmpty else { return event }
        var e = event
        e.step = e.step.map(scrub)
        e.host = e.host.map(scrub)
        e.command = e.command.map(scrub)
        e.message = e.message.map(scrub)
        e.path = e.path.map(scrub)
        e.snapshot = e.snapshot.map(scrub)
        e.outputs = e.outputs.map { $0.mapValues(scrub) }
        return e
    }

    /// A value with every string inside it scrubbed.
    public func scrub(_ value: Value) -> Value {
        switch value {
        case .string(let s): .string(scrub(s))
        case .list(let l): .list(l.map(scrub))
        case .map(let m): .map(m.mapValues(scrub))
        case .int, .bool, .null: value
        }
    }

    /// The POSIX single-quoted form, as the template renderer quotes values in commands.
    static func shellQuoted(_ s: String) -> String {
        "'" + s.replacingOccurrences("'", with: "'\\''") + "'"
    }
}

extension String {
    /// Foundation-free replacement, so this file does not pull in Foundation for one call.
    fileprivate func replacingOccurrences(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
