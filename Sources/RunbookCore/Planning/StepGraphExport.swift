/// The step graph as Mermaid or Graphviz DOT text, for `runbook graph`.
public enum StepGraphExport {
    /// A Mermaid `flowchart TD`: boxes for state-changing steps, rounded nodes for read-only ones.
    public static func mermaid(_ runbook: Runbook, _ graph: StepGraph) -> String {
        var out = "flowchart TD\n"
        for id in graph.order {
            guard let step = runbook.step(id) else { continue }
            let label = mermaidLabel("\(id): \(step.action.keyword)" + (step.title.map { " — \($0)" } ?? ""))
            out += step.changesState ? "    \(nodeName(id))[\"\(label)\"]\n" : "    \(nodeName(id))(\"\(label)\")\n"
        }
        for id in graph.order {
            for dep in graph.dependencies(of: id) { out += "    \(nodeName(dep)) --> \(nodeName(id))\n" }
        }
        return out
    }

    /// A DOT `digraph`: boxes for state-changing steps, ellipses for read-only ones.
    public static func dot(_ runbook: Runbook, _ graph: StepGraph) -> String {
        var out = "digraph \"\(dotEscape(runbook.name))\" {\n    rankdir=TB;\n"
        for id in graph.order {
            guard let step = runbook.step(id) else { continue }
            let label = dotEscape("\(id): \(step.action.keyword)" + (step.title.map { "\n\($0)" } ?? ""))
            out += "    \"\(dotEscape(id))\" [label=\"\(label)\", shape=\(step.changesState ? "box" : "ellipse")];\n"
        }
        for id in graph.order {
            for dep in graph.dependencies(of: id) { out += "    \"\(dotEscape(dep))\" -> \"\(dotEscape(id))\";\n" }
        }
        return out + "}\n"
    }

    /// Mermaid node ids may not contain `-`; step ids may.
    private static func nodeName(_ id: String) -> String {
        "s_" + String(id.map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }

    private static func mermaidLabel(_ s: String) -> String {
        var out = ""
        for c in s { out += c == "\"" ? "#quot;" : String(c) }
        return out
    }

    private static func dotEscape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out
    }
}
