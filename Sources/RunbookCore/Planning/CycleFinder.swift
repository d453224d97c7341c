import RunbookYAML

/// Finds dependency cycles among steps and reports each once, with the whole cycle. Steps are
/// list positions (`StepGraph`'s nodes: the first step of each id).
struct CycleFinder {
    let runbook: Runbook
    /// Every step's id, by position.
    let ids: [String]
    /// Each node's direct dependencies, ascending.
    let deps: [[Int]]
    /// True at the first step of each id (the graph's nodes).
    let nodes: [Bool]

    func diagnostics() -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        let candidates = unordered()
        // An acyclic runbook (nearly every one) has no candidate: skip the walk over its steps.
        guard candidates.contains(true) else { return [] }
        var reported = [Bool](repeating: false, count: ids.count)
        for p in ids.indices where candidates[p] && !reported[p] {
            guard let cycle = cycle(from: p, within: candidates), !cycle.contains(where: { reported[$0] }) else { continue }
            for q in cycle { reported[q] = true }
            diagnostics.append(diagnostic(for: cycle))
        }
        return diagnostics
    }

    /// The steps Kahn's algorithm cannot order: those on a cycle and those after one. Only they can
    /// start a cycle, so the search below runs for them alone; searching from every step walked
    /// the whole chain behind it, O(n²) time (and recursion depth n) on a long acyclic runbook.
    private func unordered() -> [Bool] {
        let count = ids.count
        var unmet = [Int](repeating: 0, count: count)
        var dependents = [[Int]](repeating: [], count: count)
        var ready: [Int] = []
        var left = [Bool](repeating: false, count: count)
        for p in 0..<count where nodes[p] {
            left[p] = true
            unmet[p] = deps[p].count
            for d in deps[p] { dependents[d].append(p) }
            if deps[p].isEmpty { ready.append(p) }
        }
        while let p = ready.popLast() {
            left[p] = false
            for next in dependents[p] {
                unmet[next] -= 1
                if unmet[next] == 0 { ready.append(next) }
            }
        }
        return left
    }

    /// A path `start -> … -> start` following dependencies, if there is one. Steps outside
    /// `unordered()` are skipped: none of them is on a cycle, so skipping them finds the same path.
    private func cycle(from start: Int, within candidates: [Bool]) -> [Int]? {
        var visited = [Bool](repeating: false, count: ids.count)
        // One path array grown and shrunk in place: copying it at every level made a long cycle quadratic.
        var path = [start]
        func walk(_ p: Int) -> Bool {
            for next in deps[p] {
                if next == start { return true }
                guard candidates[next], !visited[next] else { continue }
                visited[next] = true
                path.append(next)
                if walk(next) { return true }
                path.removeLast()
            }
            return false
        }
        return walk(start) ? path : nil
    }

    /// Steps of a cycle printed in full; longer cycles are abbreviated so the message fits a screen.
    static let maxShown = 12

    private func diagnostic(for cycle: [Int]) -> Diagnostic {
        // Dependencies point backwards in time; print the cycle in run order ("a runs before b").
        // Start the printed cycle at the step that comes first in the file.
        let reversed = Array(cycle.reversed())
        let start = reversed.indices.min { reversed[$0] < reversed[$1] } ?? 0
        let runOrder = Array(reversed[start...] + reversed[..<start])
        let names = runOrder.map { ids[$0] }
        // The whole cycle, unless it is longer than a screen can show (a generated or hostile file):
        // then its first and last steps and how many are between.
        let shown = Self.maxShown
        let chain = names.count <= shown
            ? (names + [names[0]]).joined(separator: " -> ")
            : (names.prefix(shown / 2) + ["… (\(names.count - shown) more)"] + names.suffix(shown / 2)
                + [names[0]]).joined(separator: " -> ")
        var notes: [Diagnostic.Note] = []
        for (i, p) in runOrder.enumerated() {
            let step = runbook.steps[runOrder[(i + 1) % runOrder.count]]
            let at = step.needs?.first { $0.id == ids[p] }?.location ?? step.location
            notes.append(.init("'\(step.id)' needs '\(ids[p])'", at: at))
        }
        if notes.count > shown {
            notes = Array(notes.prefix(shown)) + [.init("… and \(notes.count - shown) more dependencies in this cycle")]
        }
        return Diagnostic(.error, "steps depend on each other in a cycle: \(chain)", at: runbook.steps[cycle[0]].location,
                          hint: "remove one of these dependencies from 'needs'", notes: notes)
    }
}
