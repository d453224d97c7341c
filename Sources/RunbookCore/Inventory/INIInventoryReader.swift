import RunbookYAML

/// Reads an Ansible INI inventory as ansible-core's `ini` plugin does: `[group]` host lines
/// (`host[:port] key=value…`, shell-quoted, ranges), `[group:children]`, `[group:vars]`
/// (`key = value`, the whole rest of the line), `#`/`;` comment lines, any line ending (LF,
/// CRLF, CR). Values are typed like Python literals (`PythonLiteral`).
struct INIInventoryReader {
    let file: String

    private enum Section { case hosts, children, vars }

    /// A `[group:children]` entry naming a group not declared (yet).
    private struct Pending { var line: Int; var section: Section; var parents: [(String, SourceLocation)] }

    func read(_ text: String) throws(DiagnosticError) -> Inventory {
        var ds: [Diagnostic] = []
        var builder = InventoryBuilder()
        var group = "ungrouped"
        var section = Section.hosts
        var pending: [String: Pending] = [:]
        var pendingOrder: [String] = []

        func addPendingChildren(_ g: String) throws(Diagnostic) {
            guard let p = pending.removeValue(forKey: g) else { return }
            for (parent, at) in p.parents {
                try builder.addChild(parent, g, at: at)
                if pending[parent]?.section == .children { try addPendingChildren(parent) }
            }
        }

        for (n, rawLine) in Self.lines(text).enumerated() {
            let indent = rawLine.prefix { $0 == " " || $0 == "\t" }.count
            let line = rawLine.dropFirst(indent).trimmingBlanksAtEnd
            let at = SourceLocation(file: file, line: n + 1, column: indent + 1)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            do throws(Diagnostic) {
                if let header = Self.sectionHeader(line) {
                    let kind: Section
                    switch header.kind {
                    case nil: kind = .hosts
                    case "children": kind = .children
                    case "vars": kind = .vars
                    case let other?:
                        throw .error("unknown section kind ':\(other)'", at: at,
                                     hint: NearestName.hint(other, among: ["children", "vars"]) ?? "write [group], [group:children] or [group:vars]")
                    }
                    (group, section) = (header.group, kind)
                    if !builder.hasGroup(group) {
                        if kind == .vars, pending[group] == nil {
                            pending[group] = Pending(line: n + 1, section: .vars, parents: [])
                            pendingOrder.append(group)
                        }
                        builder.addGroup(group)
                    }
                    if let p = pending[group], kind != .vars {
                        if p.section == .children { try addPendingChildren(group) } else { pending[group] = nil }
                    }
                    continue
                }
                if line.hasPrefix("[") && line.hasSuffix("]") {
                    throw .error("invalid section header '\(line)'", at: at,
                                 hint: "write [group], [group:children] or [group:vars], without spaces")
                }
                switch section {
                case .hosts: try readHost(String(line), at: at, into: &builder, group: group)
                case .vars:
                    guard let eq = line.firstIndex(of: "=") else {
                        throw .error("expected key=value in [\(group):vars], found '\(line)'", at: at)
                    }
                    let key = String(line[..<eq]).trimmingBlanks, value = String(line[line.index(after: eq)...]).trimmingBlanks
                    try builder.setGroupVar(group, key, PythonLiteral.value(value), at: at)
                case .children:
                    let child = String(line.prefix { $0 != " " && $0 != "\t" && $0 != "#" })
                    let rest = line.dropFirst(child.count).trimmingBlanks
                    guard !child.isEmpty, !child.contains(":"), !child.contains("]"), rest.isEmpty || rest.hasPrefix("#") else {
                        throw .error("expected a group name in [\(group):children], found '\(line)'", at: at)
                    }
                    if builder.hasGroup(child) {
                        try builder.addChild(group, child, at: at)
                    } else if pending[child] != nil {
                        pending[child]?.parents.append((group, at))
                    } else {
                        pending[child] = Pending(line: n + 1, section: .children, parents: [(group, at)])
                        pendingOrder.append(child)
                    }
                }
            } catch {
                ds.append(error)
            }
        }
        for g in pendingOrder {
            guard let p = pending[g] else { continue }
            if p.section == .vars {
                ds.append(.error("[\(g):vars] given for a group that is never declared", at: SourceLocation(file: file, line: p.line, column: 1),
                                 hint: NearestName.hint(g, among: builder.groupOrder) ?? "declare it with [\(g)] or [\(g):children]"))
            } else if let (parent, at) = p.parents.last {
                ds.append(.error("group '\(parent)' lists unknown child group '\(g)'", at: at,
                                 hint: NearestName.hint(g, among: builder.groupOrder)))
            }
        }
        // Bad connection variables are found while building: report them with the rest.
        do throws(DiagnosticError) {
            let inventory = try builder.build(file: file)
            if ds.isEmpty { return inventory }
        } catch {
            ds += error.diagnostics
        }
        throw DiagnosticError(ds.sorted(by: Diagnostic.byPosition))
    }

    private func readHost(_ line: String, at: SourceLocation, into builder: inout InventoryBuilder, group: String) throws(Diagnostic) {
        let words = try INIWords.split(line, line: at.line, column: at.column, file: file)
        guard let first = words.first else { return }
        let (names, port) = try HostPattern.parse(first.text, at: first.location)
        var vars: [(String, Value, SourceLocation)] = []
        for word in words.dropFirst() {
            guard let eq = word.text.firstIndex(of: "=") else {
                throw .error("expected key=value after the host name, found '\(word.text)'", at: word.location)
            }
            vars.append((String(word.text[..<eq]), PythonLiteral.value(String(word.text[word.text.index(after: eq)...])), word.location))
        }
        for name in names {
            builder.addHost(name, group: group, port: port, at: first.location)
            for (k, v, location) in vars { builder.setHostVar(name, k, v, at: location) }
        }
    }

    /// `[group]` or `[group:kind]`, optionally followed by blanks and a `#` comment.
    private static func sectionHeader(_ line: Substring) -> (group: String, kind: String?)? {
        guard line.hasPrefix("["), let close = line.firstIndex(of: "]") else { return nil }
        let after = line[line.index(after: close)...].trimmingBlanks
        guard after.isEmpty || after.hasPrefix("#") else { return nil }
        let inner = line[line.index(after: line.startIndex)..<close]
        let parts = inner.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let group = parts[0]
        guard !group.isEmpty, !group.contains(where: { $0 == " " || $0 == "\t" }) else { return nil }
        guard parts.count == 2 else { return (String(group), nil) }
        let kind = parts[1]
        guard !kind.isEmpty, kind.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return nil }
        return (String(group), String(kind))
    }

    /// Lines as Python's `str.splitlines` cuts them: at LF, CRLF, CR and the other Unicode line breaks.
    static func lines(_ text: String) -> [Substring] {
        var out: [Substring] = []
        let scalars = text.unicodeScalars
        var start = scalars.startIndex
        var i = start
        while i < scalars.endIndex {
            let c = scalars[i]
            switch c {
            case "\n", "\r", "\u{0B}", "\u{0C}", "\u{1C}", "\u{1D}", "\u{1E}", "\u{85}", "\u{2028}", "\u{2029}":
                out.append(Substring(scalars[start..<i]))
                var next = scalars.index(after: i)
                if c == "\r", next < scalars.endIndex, scalars[next] == "\n" { next = scalars.index(after: next) }
                start = next
                i = next
            default:
                i = scalars.index(after: i)
            }
        }
        if start < scalars.endIndex { out.append(Substring(scalars[start...])) }
        return out
    }
}

private extension StringProtocol {
    var trimmingBlanksAtEnd: SubSequence {
        var end = endIndex
        while end > startIndex, let c = self[index(before: end)].unicodeScalars.first, c == " " || c == "\t" { end = index(before: end) }
        return self[startIndex..<end]
    }

    var trimmingBlanks: String {
        String(drop { $0 == " " || $0 == "\t" }.trimmingBlanksAtEnd)
    }
}
