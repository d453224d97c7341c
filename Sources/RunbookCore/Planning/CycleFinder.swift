import RunbookYAML

/// Finds dependency cycles among steps and reports each once, with the whole cycle.
struct CycleFinder {
    let runbook: Runbook
    let deps: [String: [String]]
    let position: [String: Int]

    func diagnostics() -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var reported: Set<String> = []
        let candidates = unordered()
        // An acyclic runbook (nearly every one) has no candidate: skip the walk over its steps.
        guard !candidates.isEmpty else { return [] }
        for id in runbook.steps.map(\.id) where candidates.contains(id) && !reported.contains(id) {
            guard let cycle = cycle(from: id, within: candidates), !cycle.contains(where: reported.contains) else { continue }
            reported.formUnion(cycle)
            diagnostics.append(diagnostic(for: cycle))
        }
        return diagnostics
    }

    /// The steps Kahn's algorithm cannot order: those on a cycle and those after one. Only they can
    /// start a cycle, so the search below runs for them alone; searching from every step walked
    /// the whole chain behind it, O(n²) time (and recursion depth n) on a long acyclic runbook.
    private func unordered() -> Set<String> {
        var unmet: [String: Int] = [:]
        var dependents: [String: [String]] = [:]
        var ready: [String] = []
        for (id, list) in deps {
            unmet[id] = list.count
            for d in list { dependents[d, default: []].append(id) }
            if list.isEmpty { ready.append(id) }
        }
        while let id = ready.popLast() {
            unmet[id] = nil
            for next in dependents[id] ?? [] {
                unmet[next, default: 0] -= 1
                if unmet[next] == 0 { ready.append(next) }
            }
        }
        return Set(unmet.keys)
    }

    /// A path `start -> … -> start` following dependencies, if there is one. Steps outside
    /// `unordered()` are skipped: none of them is on a cycle, so skipping them finds the same path.
    private func cycle(from start: String, within candidates: Set<String>) -> [String]? {
        var visited: Set<String> = []
        // One path array grown and shrunk in place: copying it at every level made a long cycle quadratic.
        var path = [start]
        func walk(_ id: String) -> Bool {
            for next in sortedDeps(id) {
                if next == start { return true }
                guard candidates.contains(next), visited.insert(next).inserted else { continue }
                path.append(next)
                if walk(next) { return true }
                path.removeLast()
            }
            return false
        }
        return walk(start) ? path : nil
    }

    private func sortedDeps(_ id: String) -> [String] {
        (deps[id] ?? []).sorted { (position[$0] ?? 0) < (position[$1] ?? 0) }
    }

    /// Steps of a cycle printed in full; longer cycles are abbreviated so the message fits a screen.
    static let maxShown = 12

    private func diagnostic(for cycle: [String]) -> Diagnostic {
        // Dependencies point backwards in time; print the cycle in run order ("a runs before b").
        // Start the printed cycle at the step that comes first in the file.
        let reversed = Array(cycle.reversed())
        let start = reversed.indices.min { (position[reversed[$0]] ?? 0) < (position[reversed[$1]] ?? 0) } ?? 0
        let runOrder = Array(reversed[start...] + reversed[..<start])
        // The whole cycle, unless it is longer than a screen can show (a generated or hostile file):
        // then its first and last steps and how many are between.
        let shown = Self.maxShown
        let chain = runOrder.count <= shown
            ? (runOrder + [runOrder[0]]).joined(separator: " -> ")
            : (runOrder.prefix(shown / 2) + ["… (\(runOrder.count - shown) more)"] + runOrder.suffix(shown / 2)
                + [runOrder[0]]).joined(separator: " -> ")
        var notes: [Diagnostic.Note] = []
        // Steps by id once: `runbook.step(_:)` scans (and copies) steps, once per step of a long cycle.
        var byId: [String: Int] = [:]
        for (i, step) in runbook.steps.enumerated() where byId[step.id] == nil { byId[step.id] = i }
        for (i, id) in runOrder.enumerated() {
            let next = runOrder[(i + 1) % runOrder.count]
            let step = byId[next].map { runbook.steps[$0] }
            let at = step?.needs?.first { $0.id == id }?.location ?? step?.location
            notes.append(.init("'\(next)' needs '\(id)'", at: at))
        }
        if notes.count > shown {
            notes = Array(notes.prefix(shown)) + [.init("… and \(notes.count - shown) more dependencies in this cycle")]
        }
        let first = runbook.step(cycle[0])
        return Diagnostic(.error, "steps depend on each other in a cycle: \(chain)", at: first?.location,
                          hint: "remove one of these dependencies from 'needs'", notes: notes)
    }
}
