/// Suggests the closest known word for a misspelt one ("did you mean 'rollback'?").
package enum DidYouMean {
    /// The candidate closest to `word` by Damerau-Levenshtein distance, if it is close enough:
    /// at most 2 edits, and at most a third of the longer word (so short words need a near match).
    package static func suggestion(for word: String, among candidates: some Sequence<String>) -> String? {
        // Keys and names are short; a huge word is hostile input and would cost a huge distance table.
        guard word.utf8.count <= 64 else { return nil }
        let w = Array(word.lowercased())
        var best: (word: String, distance: Int)? = nil
        for candidate in candidates {
            let c = Array(candidate.lowercased())
            let d = distance(w, c)
            let bound = min(2, max(1, max(w.count, c.count) / 3))
            guard d <= bound else { continue }
            if d < (best?.distance ?? Int.max) { best = (candidate, d) }
        }
        return best?.word
    }

    /// `" (did you mean 'x'?)"` or the empty string.
    package static func clause(for word: String, among candidates: some Sequence<String>) -> String {
        suggestion(for: word, among: candidates).map { " (did you mean '\($0)'?)" } ?? ""
    }

    /// Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent swaps.
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }
}
