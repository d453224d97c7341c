import RunbookYAML

/// Ansible host ranges: `node[1:3].example.com`, `node[01:10]` (zero-padded), `db-[a:c]`.
enum HostRange {
    /// The host names a pattern stands for; a name without `[` is itself.
    /// - Throws: `Diagnostic` at `location` for a malformed or backwards range.
    static func expand(_ pattern: String, at location: SourceLocation) throws(Diagnostic) -> [String] {
        guard let open = pattern.firstIndex(of: "[") else { return [pattern] }
        guard let close = pattern[open...].firstIndex(of: "]") else {
            throw .error("host range '\(pattern)' is missing ']'", at: location, hint: "write a range as name[1:3]")
        }
        let prefix = String(pattern[..<open])
        let suffix = String(pattern[pattern.index(after: close)...])
        let inner = pattern[pattern.index(after: open)..<close].split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard inner.count == 2 || inner.count == 3 else {
            throw .error("host range '\(pattern)' must look like [start:end]", at: location)
        }
        let step = inner.count == 3 ? Int(inner[2]) ?? 0 : 1
        guard step >= 1 else { throw .error("host range '\(pattern)' has an invalid step", at: location) }
        var middles: [String] = []
        if let a = Int(inner[0]), let b = Int(inner[1]) {
            guard a <= b else { throw .error("host range '\(pattern)' goes backwards", at: location) }
            let width = inner[0].hasPrefix("0") && inner[0].count > 1 ? inner[0].count : 0
            for i in stride(from: a, through: b, by: step) {
                let digits = String(i)
                middles.append(String(repeating: "0", count: max(0, width - digits.count)) + digits)
            }
        } else if inner[0].count == 1, inner[1].count == 1, let a = inner[0].unicodeScalars.first, let b = inner[1].unicodeScalars.first,
                  a.properties.isLowercase == b.properties.isLowercase, a.isASCII, b.isASCII, a.value <= b.value {
            for v in stride(from: a.value, through: b.value, by: step) {
                if let s = Unicode.Scalar(v) { middles.append(String(Character(s))) }
            }
        } else {
            throw .error("host range '\(pattern)' must use numbers ([1:3]) or letters ([a:c])", at: location)
        }
        var out: [String] = []
        for m in middles {
            // A second range in the same name expands recursively.
            out += try expand(prefix + m + suffix, at: location)
        }
        return out
    }
}
