import RunbookYAML

/// Ansible host ranges (`expand_hostname_range`): `node[1:3].example.com`, `node[01:10]`
/// (zero-padded: both ends the same width), `db-[a:c]`, `[0:10:2]` (a step), `[:3]` (from 0),
/// several ranges in one name. One pattern stands for at most `limit` hosts: Ansible would build
/// `n[0:99999999]` in full (gigabytes); we refuse it with a clear error instead.
enum HostRange {
    /// The most hosts one pattern may stand for.
    static let limit = 100_000

    private static let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")

    /// The host names a pattern stands for; a name without `[` is itself.
    /// - Throws: `Diagnostic` at `location` for a malformed or backwards range, or past `limit`.
    static func expand(_ pattern: String, at location: SourceLocation) throws(Diagnostic) -> [String] {
        guard pattern.contains("[") else { return [pattern] }
        var out: [String] = []
        try expand(pattern, into: &out, at: location, whole: pattern)
        return out
    }

    private static func expand(_ name: String, into out: inout [String], at location: SourceLocation, whole: String) throws(Diagnostic) {
        guard let open = name.firstIndex(of: "[") else {
            guard out.count < limit else {
                throw .error("host range '\(whole)' stands for more than \(limit) hosts; refusing", at: location,
                             hint: "split the range, or list the hosts in several groups")
            }
            out.append(name)
            return
        }
        guard let close = name[open...].firstIndex(of: "]") else {
            throw .error("host range '\(whole)' is missing ']'", at: location, hint: "write a range as name[1:3]")
        }
        let head = name[..<open], tail = name[name.index(after: close)...]
        let bounds = name[name.index(after: open)..<close].split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard bounds.count == 2 || bounds.count == 3 else {
            throw .error("host range '\(whole)' must look like [start:end] or [start:end:step]", at: location)
        }
        let begin = bounds[0].isEmpty ? "0" : bounds[0], end = bounds[1]
        guard !end.isEmpty else { throw .error("host range '\(whole)' has no end value", at: location) }
        guard let step = bounds.count == 3 ? Int(bounds[2]) : 1, step >= 1 else {
            throw .error("host range '\(whole)' has an invalid step", at: location)
        }
        if let a = letters.firstRange(of: Array(begin))?.lowerBound, let b = letters.firstRange(of: Array(end))?.lowerBound {
            guard a <= b else { throw .error("host range '\(whole)' goes backwards", at: location) }
            for i in stride(from: a, through: b, by: step) {
                try expand(head + String(letters[i]) + tail, into: &out, at: location, whole: whole)
            }
            return
        }
        guard let a = Int(begin), let b = Int(end) else {
            throw .error("host range '\(whole)' must use numbers ([1:3]) or letters ([a:c])", at: location)
        }
        var width = 0
        if begin.hasPrefix("0"), begin.count > 1 {
            guard begin.count == end.count else {
                throw .error("host range '\(whole)' must give both ends the same width ([01:10], not [01:100])", at: location)
            }
            width = begin.count
        }
        guard a <= b else { throw .error("host range '\(whole)' goes backwards", at: location) }
        for i in stride(from: a, through: b, by: step) {
            let digits = String(i)
            try expand(head + String(repeating: "0", count: max(0, width - digits.count)) + digits + tail,
                       into: &out, at: location, whole: whole)
        }
    }
}
