import RunbookYAML

/// The order steps run in: implicit "after the previous step", replaced by `needs` where given.
///
/// Built once per runbook; refuses unknown ids (at the reference, with a did-you-mean hint) and
/// cycles (each reported once, naming the whole cycle, with a note at every step on it).
///
/// Inside, a step is its list position (the first step of that id: a repeated id is the
/// decoder's error, and its later steps are not nodes) and its dependencies are positions, so
/// ordering and the cycle search hash no strings: dictionaries keyed by id were a tenth of
/// `validate`'s time at 50,000 steps (issue 15).
public struct StepGraph: Sendable {
    /// Step ids in a topological order that keeps list order wherever the dependencies allow.
    public private(set) var order: [String]
    /// Groups of steps that may run at the same time: a step is in the group after its latest dependency.
    public private(set) var levels: [[String]]
    /// Every step's id, by list position.
    private let ids: [String]
    /// The position of the first step of each id.
    private let position: [String: Int]
    /// Each node's direct dependencies as ascending positions (empty for a repeated id's later steps).
    private let deps: [[Int]]
    /// Each node's index in `levels`, by position (-1 for steps that are not nodes).
    private var levelOf: [Int] = []

    /// Builds the graph of `runbook`.
    /// - Throws: `DiagnosticError` with every unknown id and every cycle.
    public init(_ runbook: Runbook) throws(DiagnosticError) {
        // Steps are read by index, one field at a time: iterating `runbook.steps` copied every
        // whole Step (a retain per template, action and list in it), 2% of `validate` at 10,000 steps.
        let steps = runbook.steps
        let ids = steps.map(\.id)
        var position: [String: Int] = [:]
        position.reserveCapacity(ids.count)
        for (i, id) in ids.enumerated() where position[id] == nil { position[id] = i }
        var deps = [[Int]](repeating: [], count: ids.count)
        var diagnostics: [Diagnostic] = []
        for (i, id) in ids.enumerated() where position[id] == i {
            guard let needs = steps[i].needs else {
                if i > 0, let previous = position[ids[i - 1]] { deps[i] = [previous] }
                continue
            }
            var list: [Int] = []
            for reference in needs {
                guard let p = position[reference.id] else {
                    diagnostics.append(.error("step '\(id)' needs unknown step '\(reference.id)'", at: reference.location,
                                              hint: NearestName.hint(reference.id, among: ids)))
                    continue
                }
                if !list.contains(p) { list.append(p) }
            }
            deps[i] = list.sorted()
        }
        self.ids = ids
        self.deps = deps
        self.position = position
        self.order = []
        self.levels = []
        let nodes = ids.indices.map { position[ids[$0]] == $0 }
        diagnostics += CycleFinder(runbook: runbook, ids: ids, deps: deps, nodes: nodes).diagnostics()
        guard diagnostics.isEmpty else { throw DiagnosticError(diagnostics) }
        computeOrder(nodes: nodes)
    }

    /// The steps `id` waits for directly, in list order.
    public func dependencies(of id: String) -> [String] {
        guard let p = position[id] else { return [] }
        return deps[p].map { ids[$0] }
    }

    /// Every step that finishes before `id` starts (transitively).
    public func ancestors(of id: String) -> Set<String> {
        guard let p = position[id] else { return [] }
        var seen = [Bool](repeating: false, count: ids.count)
        var found: Set<String> = []
        var stack = deps[p]
        while let next = stack.popLast() {
            guard !seen[next] else { continue }
            seen[next] = true
            found.insert(ids[next])
            stack += deps[next]
        }
        return found
    }

    /// The index in `levels` of the group `id` belongs to.
    public func level(of id: String) -> Int? {
        position[id].map { levelOf[$0] }
    }

    private mutating func computeOrder(nodes: [Bool]) {
        // Kahn's algorithm, always taking the ready step that comes first in the list. Works on list
        // positions with a count of unmet dependencies per step and a min-heap of ready positions, so
        // a 10,000-step chain costs O(n log n) (scanning every step for each one taken was O(n²)).
        let count = ids.count
        var unmet = [Int](repeating: 0, count: count)
        var dependents = [[Int]](repeating: [], count: count)
        var ready = ReadyQueue()
        for p in 0..<count where nodes[p] {
            unmet[p] = deps[p].count
            for d in deps[p] { dependents[d].append(p) }
            if deps[p].isEmpty { ready.push(p) }
        }
        var level = [Int](repeating: -1, count: count)
        var depth = 0
        var taken: [Int] = []
        while let p = ready.pop() {
            taken.append(p)
            order.append(ids[p])
            level[p] = deps[p].map { level[$0] + 1 }.max() ?? 0
            depth = max(depth, level[p] + 1)
            for q in dependents[p] {
                unmet[q] -= 1
                if unmet[q] == 0 { ready.push(q) }
            }
        }
        var levels = [[String]](repeating: [], count: depth)
        for p in taken { levels[level[p]].append(ids[p]) }
        self.levels = levels
        levelOf = level
    }
}
