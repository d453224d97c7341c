/// Which steps run before which, as one bit set of ancestors per step, built on first use.
///
/// `RunbookChecker` asks "does step A run before step B?" once per `steps.A` reference. A search
/// per question is O(steps) and made a 10,000-step runbook whose steps all refer to the first one
/// take 15 s; the bit sets cost steps²/8 bytes (12.5 MB at 10,000 steps) and about steps²/64 word
/// operations once, after which each question is one bit test. Runbooks without step references
/// never build them.
final class Ancestry {
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
        return bits[b * words + a / 64] & (1 << UInt64(a % 64)) != 0
    }

    private func build() {
        built = true
        let order = graph.order
        for (i, id) in order.enumerated() { index[id] = i }
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
}
