import RunbookCore

/// SplitMix64: a small seeded generator, so every generated runbook can be rebuilt from its seed.
public struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Builds valid runbooks at random from a seed, covering what `plan` and `run` must resolve the
/// same way: `on` (host, group, `group[i]`, param expressions, a captured host), `when` (params,
/// host, item, captures), `for_each` (lists, params, inventory groups, captured words), `use`
/// with typed `with` values (string, int, bool, list; from params, literals and captures),
/// captures feeding later steps, and `needs`.
public enum RunbookGenerator {
    /// The inventory every generated runbook runs against.
    public static let inventory = Inventory(
        hosts: ["m0", "m1", "m2", "n0", "n1"].map { InventoryHost(name: $0) },
        groups: ["masters": ["m0", "m1", "m2"], "nodes": ["n0", "n1"]])

    /// The sub-runbook `use` steps call (`gen/sub.yaml`).
    public static let subRunbook = """
        runbook: sub
        params:
          who: { type: string, required: true }
          n: { type: int, default: 1 }
          flag: { type: bool, default: false }
          list: { type: list, default: [x, y] }
        steps:
          - id: greet
            on: ${{ params.who }}
            run: echo greet ${{ params.n }} ${{ params.list }} ${{ host }}
          - id: each
            for_each: ${{ params.list }}
            when: ${{ params.flag && params.n > 1 }}
            run: echo each ${{ item }} ${{ params.n }}
          - id: last
            needs: [greet]
            check: echo sub-check ${{ params.who }}

        """

    /// One generated case: the main runbook's text and the `--param` assignments it runs with.
    public struct Case: Sendable {
        public var seed: UInt64
        public var main: String
        public var assignments: [String]
    }

    public static func make(seed: UInt64) -> Case {
        var rng = SeededGenerator(seed: seed)
        let hosts = ["m0", "m1", "m2", "n0", "n1"]
        var lines = [
            "runbook: gen-\(seed)",
            "params:",
            "  target: { type: string, default: m0 }",
            "  group: { type: string, default: masters }",
            "  flag: { type: bool, default: true }",
            "  items: { type: list, default: [a, b] }",
            "  count: { type: int, default: 2 }",
            "steps:",
        ]
        let count = Int.random(in: 3...7, using: &rng)
        var dependencies: [[Int]] = []
        var capturers: Set<Int> = []
        for i in 0..<count {
            var deps: [Int] = i == 0 ? [] : [i - 1]
            var needs: [Int]? = nil
            if i > 0, Int.random(in: 0..<10, using: &rng) < 3 {
                let picked = Set((0..<Int.random(in: 1...min(2, i), using: &rng)).map { _ in Int.random(in: 0..<i, using: &rng) })
                needs = picked.sorted()
                deps = picked.sorted()
            }
            dependencies.append(deps)
            var ancestors: Set<Int> = []
            var stack = deps
            while let d = stack.popLast() {
                if ancestors.insert(d).inserted { stack += dependencies[d] }
            }
            let captures = capturers.intersection(ancestors).sorted()
            lines.append("  - id: s\(i)")
            if let needs { lines.append("    needs: [\(needs.map { "s\($0)" }.joined(separator: ", "))]") }

            // A step whose outputs later steps use: one instance, always runs.
            if Int.random(in: 0..<10, using: &rng) < 3 {
                capturers.insert(i)
                if Bool.random(using: &rng) { lines.append("    on: \(hosts.randomElement(using: &rng) ?? "m0")") }
                let host = hosts.randomElement(using: &rng) ?? "m0"
                let words = ["a b", "b c", "x y"].randomElement(using: &rng) ?? "a b"
                lines.append("    run: echo host=\(host) words=\(words)")
                lines.append("    capture:")
                lines.append("      host: { regex: 'host=(\\S+)' }")
                lines.append("      words: { regex: 'words=(\\S+ \\S+)' }")
                continue
            }
            let capture = captures.randomElement(using: &rng)
            func pick(_ choices: [String?]) -> String? { choices.randomElement(using: &rng) ?? nil }

            if Int.random(in: 0..<10, using: &rng) < 2 {
                lines.append("    use: ./sub.yaml")
                if Bool.random(using: &rng) { lines.append("    when: ${{ params.flag }}") }
                lines.append("    with:")
                let who = pick(["${{ params.target }}", hosts.randomElement(using: &rng),
                                capture.map { "${{ steps.s\($0).outputs.host }}" }]) ?? "m0"
                lines.append("      who: \(who)")
                if let n = pick([nil, "3", "${{ params.count }}"]) { lines.append("      n: \(n)") }
                if let flag = pick([nil, "true", "false", "${{ params.flag }}"]) { lines.append("      flag: \(flag)") }
                if let list = pick([nil, "${{ params.items }}", "${{ hosts.nodes }}", "p,q"]) { lines.append("      list: \(list)") }
                continue
            }

            let on = pick([nil, nil, hosts.randomElement(using: &rng), "masters", "nodes", "masters[\(Int.random(in: 0...2, using: &rng))]",
                           "nodes[1]", "${{ params.target }}", "${{ params.group }}",
                           capture.map { "${{ steps.s\($0).outputs.host }}" }])
            if let on { lines.append("    on: \(on)") }
            let forEach = Int.random(in: 0..<10, using: &rng) < 3
                ? pick(["[a, b, c]", "${{ params.items }}", "${{ hosts.nodes }}", capture.map { "${{ steps.s\($0).outputs.words }}" }])
                : nil
            if let forEach { lines.append("    for_each: \(forEach)") }
            if Int.random(in: 0..<10, using: &rng) < 3 {
                let when = pick(["${{ params.flag }}", "${{ host != 'm1' }}", "${{ params.count > 1 }}",
                                 forEach == nil ? nil : "${{ item != 'b' }}",
                                 capture.map { "${{ steps.s\($0).outputs.host == 'm1' }}" }]) ?? "${{ params.flag }}"
                lines.append("    when: \(when)")
            }
            var command = "echo s\(i)"
            for _ in 0..<Int.random(in: 0...3, using: &rng) {
                command += " " + (pick(["${{ params.target }}", "${{ host }}", "${{ params.items }}", "--flag=${{ params.flag }}",
                                        "'x y'", forEach == nil ? nil : "${{ item }}",
                                        capture.map { "${{ steps.s\($0).outputs.host }}" }]) ?? "plain")
            }
            if Int.random(in: 0..<10, using: &rng) < 2 {
                lines.append("    check: \(command) check")
            } else {
                lines.append("    run: \(command)")
                if Int.random(in: 0..<10, using: &rng) < 2 { lines.append("    verify: echo verify s\(i) ${{ host }}") }
            }
        }
        var assignments: [String] = []
        if Bool.random(using: &rng) { assignments.append("target=\(hosts.randomElement(using: &rng) ?? "m0")") }
        if Bool.random(using: &rng) { assignments.append("group=\(Bool.random(using: &rng) ? "masters" : "nodes")") }
        if Bool.random(using: &rng) { assignments.append("flag=\(Bool.random(using: &rng))") }
        if Bool.random(using: &rng) { assignments.append("items=\(["a", "a,b,c", "b,c"].randomElement(using: &rng) ?? "a")") }
        if Bool.random(using: &rng) { assignments.append("count=\(Int.random(in: 0...3, using: &rng))") }
        return Case(seed: seed, main: lines.joined(separator: "\n") + "\n", assignments: assignments)
    }
}
