/// Which steps run before which, as one bit set of ancestors per step, built on first use.
///
/// `RunbookChecker` asks "does step A run before step B?" once per `steps.A` reference. A search
/// per question is O(steps) and made a 10,000-step runbook whose steps all refer to the first one
/// take 15 s; the bit sets cost steps²/8 bytes (12.5 MB at 10,000 steps) and about steps²/64 word
/// operations once, after which each question is one bit test. Runbooks without step references
/// never build them. Past `maxBitSetSteps` the sets would cost too much memory (a 16 MiB file can
/// hold 300,000 short steps: 11 GB), so a search is used instead, pruned by topological order.
final class Ancestry {
    /// 20,000 steps: 50 MB of bit sets at most.
    static let maxBitSetSteps = 20_000

    private let graph: StepGraph
    private var index: [String: Int] = [:]
    private var words = 0
    private var bits: [UInt64] = []
    private var built = false

    init(_ graph: StepGraph) { self.graph = graph }

    /// True when `ancestor` finishes before `id` starts (`graph.ancestors(of: id).contains(ancestor)`).
    func runsBefore(_ ancestor: String, _ id: String) -> Bool {
        if !built { build() }
        guard let a = index[ancestor], let b = index[id] else { return false }
        guard words > 0 else { return search(from: id, for: ancestor, floor: a) }
        return bits[b * words + a / 64] & (1 << UInt64(a % 64)) != 0
    }

    private func build() {
        built = true
        let order = graph.order
        for (i, id) in order.enumerated() { index[id] = i }
        guard order.count <= Self.maxBitSetSteps else { return }
        words = (order.count + 63) / 64
        bits = [UInt64](repeating: 0, count: order.count * words)
        // In topological order every dependency's set is complete before it is merged in.
        for (b, id) in order.enumerated() {
            for dep in graph.dependencies(of: id) {
                guard let d = index[dep] else { continue }
                bits[b * words + d / 64] |= 1 << UInt64(d % 64)
                for w in 0..<words { bits[b * words + w] |= bits[d * words + w] }
            }
        }
    }

    /// A walk back from `id` that skips steps ordered before `ancestor`: none of them leads to it.
    private func search(from id: String, for ancestor: String, floor: Int) -> Bool {
        var seen: Set<String> = []
        var stack = graph.dependencies(of: id)
        while let next = stack.popLast() {
            if next == ancestor { return true }
            guard (index[next] ?? 0) > floor, seen.insert(next).inserted else { continue }
            stack += graph.dependencies(of: next)
        }
        return false
    }
}
