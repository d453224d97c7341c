/// "Did you mean …?" for misspelt names: the closest candidate by edit distance, if close enough.
enum NearestName {
    /// The candidate closest to `name`, when at most a third of its letters differ (at least one edit allowed).
    static func suggest(_ name: String, among candidates: some Sequence<String>) -> String? {
        let limit = max(1, name.count / 3)
        var best: (String, Int)? = nil
        for candidate in candidates where candidate != name {
            let d = distance(Array(name.lowercased()), Array(candidate.lowercased()))
            if d <= limit, best.map({ d < $0.1 }) ?? true { best = (candidate, d) }
        }
        if let best { return best.0 }
        // A truncated name (`member` for `member_id`) is a likely slip too.
        return candidates.first { name.count >= 3 && $0.hasPrefix(name) }
    }

    /// `did you mean 'x'?` or nil, ready for a diagnostic's hint.
    static func hint(_ name: String, among candidates: some Sequence<String>) -> String? {
        suggest(name, among: candidates).map { "did you mean '\($0)'?" }
    }

    /// Edit distance where swapping two neighbours counts as one edit (`hots` -> `host`).
    private static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var beforePrevious = Array(repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], beforePrevious[j - 2] + 1)
                }
            }
            beforePrevious = previous
            previous = current
        }
        return previous[b.count]
    }
}
