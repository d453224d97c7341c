import Foundation
import RunbookYAML
import SimulatorKit

/// Reads `*.test.yaml` files into `Scenario`s: every problem reported at its file:line:column,
/// in one pass, with did-you-mean for unknown keys, like runbooks.
public struct ScenarioLoader: Sendable {
    /// A loader.
    public init() {}

    static let topKeys = ["scenario", "runbook", "params", "cluster", "setup", "faults", "faults_at", "kill_at", "resume", "expect", "etcd"]
    static let resumeKeys = ["rerun", "skip", "clear_faults"]
    static let stepStates = ["succeeded", "failed", "skipped", "rolled_back", "not_run"]
    static let expectKeys = ["exit", "cluster"] + stepStates
    static let clusterKeys = ["node", "pods_on", "etcd_members", "haproxy_backends", "file", "vg_free_mib", "unchanged", "etcd_key"]

    /// Loads one scenario file.
    /// - Throws: `DiagnosticError` with every problem found.
    public func load(contentsOf path: String) throws(DiagnosticError) -> Scenario {
        let root = try YAMLParser().parse(contentsOf: path)
        var errors: [Diagnostic] = []
        guard let pairs = root.pairs else {
            throw DiagnosticError(.error("a scenario is a mapping with 'scenario', 'runbook' and 'expect', found \(root.kindName)",
                                         at: root.location))
        }
        let base = (path as NSString).deletingLastPathComponent
        func resolve(_ relative: String) -> String {
            relative.hasPrefix("/") ? relative : ((base.isEmpty ? "." : base) as NSString).appendingPathComponent(relative)
        }
        var name: String?, runbook: String?, cluster: String?
        var params: [String] = [], faults: [Scenario.FaultLine] = [], faultsAt: [Scenario.StepFaults] = []
        var setup: [Scenario.SetupCommand] = []
        var killAt: String?, killLocation: SourceLocation?
        var rerun: [String] = [], skip: [String] = [], clearFaults = false, resumeNode: Node?
        var expect = Scenario.Expectations(exit: nil, steps: [], cluster: [])
        var expectSeen = false
        var realEtcd = false
        for pair in pairs {
            let key = pair.key.text ?? ""
            let value = pair.value
            switch key {
            case "scenario": name = string(value, "scenario", &errors)
            case "runbook": runbook = string(value, "runbook", &errors).map(resolve)
            case "cluster": cluster = string(value, "cluster", &errors).map(resolve)
            case "etcd":
                switch string(value, "etcd", &errors) {
                case "real": realEtcd = true
                case "simulated", nil: break
                case let other?: errors.append(.error("'etcd' must be real or simulated, found '\(other)'", at: value.location))
                }
            case "params":
                guard let entries = value.pairs else {
                    errors.append(.error("'params' must be a mapping of param names to values, found \(value.kindName)", at: value.location))
                    continue
                }
                for entry in entries {
                    let text = entry.value.items.map { $0.compactMap(\.text).joined(separator: ",") } ?? entry.value.text ?? ""
                    params.append("\(entry.key.text ?? "")=\(text)")
                }
            case "setup": setup = setupCommands(value, &errors)
            case "faults": faults = faultLines(value, "faults", &errors)
            case "faults_at":
                guard let entries = value.pairs else {
                    errors.append(.error("'faults_at' must be a mapping of step ids (or instance keys) to lists of faults, found \(value.kindName)", at: value.location))
                    continue
                }
                for entry in entries {
                    guard let step = string(entry.key, "a step id", &errors) else { continue }
                    faultsAt.append(.init(step: step, faults: faultLines(entry.value, "faults_at: \(step)", &errors),
                                          location: entry.key.location))
                }
            case "kill_at": killAt = string(value, "kill_at", &errors); killLocation = value.location
            case "resume":
                resumeNode = value
                guard let entries = value.pairs else {
                    errors.append(.error("'resume' must be a mapping with \(Self.resumeKeys.joined(separator: ", ")), found \(value.kindName)", at: value.location))
                    continue
                }
                for entry in entries {
                    switch entry.key.text ?? "" {
                    case "rerun": rerun = list(entry.value, "rerun", &errors).compactMap { string($0, "a step", &errors) }
                    case "skip": skip = list(entry.value, "skip", &errors).compactMap { string($0, "a step", &errors) }
                    case "clear_faults": clearFaults = entry.value.text == "true"
                    default: errors.append(unknown(entry.key, among: Self.resumeKeys, in: "resume"))
                    }
                }
            case "expect":
                expectSeen = true
                expect = expectations(value, &errors)
            default: errors.append(unknown(pair.key, among: Self.topKeys, in: "a scenario"))
            }
        }
        if name == nil { errors.append(.error("missing 'scenario' (its name)", at: root.location)) }
        if runbook == nil { errors.append(.error("missing 'runbook' (the file to rehearse, relative to this file)", at: root.location)) }
        if !expectSeen { errors.append(.error("missing 'expect': a scenario must assert something", at: root.location)) }
        if let resumeNode, killAt == nil {
            errors.append(.error("'resume' needs 'kill_at' (a run is resumed after it was killed)", at: resumeNode.location))
        }
        if let runbook, !FileManager.default.fileExists(atPath: runbook) {
            errors.append(.error("runbook '\(runbook)' not found", at: pairs.first { $0.key.text == "runbook" }?.value.location))
        }
        if !errors.isEmpty { throw DiagnosticError(errors) }
        _ = killLocation
        return Scenario(name: name ?? "", file: path, runbook: runbook ?? "", params: params, cluster: cluster,
                        setup: setup, faults: faults, faultsAt: faultsAt,
                        crash: killAt.map { .init(step: $0, rerun: rerun, skip: skip, clearFaults: clearFaults) },
                        expect: expect, location: root.location, realEtcd: realEtcd)
    }

    /// `unhealthy-etcd master-1` or, when an argument has spaces, a list of words; each checked
    /// as `runbook sim fault` would, so a typo is reported at its line before anything runs.
    private func faultLines(_ node: Node, _ what: String, _ errors: inout [Diagnostic]) -> [Scenario.FaultLine] {
        var lines: [Scenario.FaultLine] = []
        for item in list(node, what, &errors) {
            let words: [String]
            if let items = item.items {
                words = items.compactMap(\.text)
            } else if let text = string(item, "a fault", &errors) {
                words = text.split(separator: " ").map(String.init)
            } else {
                continue
            }
            do { _ = try Fault.parse(words) } catch {
                errors.append(.error("invalid fault: \(error.description)", at: item.location))
                continue
            }
            lines.append(.init(words: words, location: item.location))
        }
        return lines
    }

    /// `- { on: HOST, run: [TOOL, ARG…] }`, each a simulated tool run on HOST, or
    /// `- { on: HOST, grow_disk: DEVICE, to_mib: N }`, a disk the platform enlarged.
    private func setupCommands(_ node: Node, _ errors: inout [Diagnostic]) -> [Scenario.SetupCommand] {
        var commands: [Scenario.SetupCommand] = []
        for item in list(node, "setup", &errors) {
            guard let pairs = item.pairs else {
                errors.append(.error("a setup command is a mapping {on: HOST, run: [TOOL, ARG…]}, found \(item.kindName)", at: item.location))
                continue
            }
            if pairs.contains(where: { $0.key.text == "grow_disk" }) {
                if let command = diskGrowth(pairs, at: item.location, &errors) { commands.append(command) }
                continue
            }
            if pairs.contains(where: { $0.key.text == "write" }) {
                if let command = fileWrite(pairs, at: item.location, &errors) { commands.append(command) }
                continue
            }
            var host: String?, words: [String]?
            for pair in pairs {
                switch pair.key.text ?? "" {
                case "on": host = string(pair.value, "'on'", &errors)
                case "run":
                    let parts = list(pair.value, "run", &errors).compactMap { string($0, "a word of 'run'", &errors) }
                    if let tool = parts.first, !SimCluster.toolNames.contains(tool) {
                        errors.append(.error("'\(tool)' is not a simulated tool\(DidYouMean.clause(for: tool, among: SimCluster.toolNames))",
                                             at: pair.value.location))
                    } else if !parts.isEmpty {
                        words = parts
                    }
                default: errors.append(unknown(pair.key, among: ["on", "run", "grow_disk"], in: "a setup command"))
                }
            }
            guard let host, let words else {
                if !pairs.contains(where: { $0.key.text == "run" }) || !pairs.contains(where: { $0.key.text == "on" }) {
                    errors.append(.error("a setup command needs 'on' (a host) and 'run' (the tool and its arguments)", at: item.location))
                }
                continue
            }
            commands.append(.init(host: host, action: .tool(words), location: item.location))
        }
        return commands
    }

    /// `{ on: HOST, grow_disk: DEVICE, to_mib: N }`.
    private func diskGrowth(_ pairs: Node.Pairs, at location: SourceLocation,
                            _ errors: inout [Diagnostic]) -> Scenario.SetupCommand? {
        var host: String?, device: String?, mib: Int?
        for pair in pairs {
            switch pair.key.text ?? "" {
            case "on": host = string(pair.value, "'on'", &errors)
            case "grow_disk": device = string(pair.value, "'grow_disk'", &errors)
            case "to_mib":
                if let n = pair.value.text.flatMap(Int.init), n > 0 { mib = n } else {
                    errors.append(.error("'to_mib' must be a positive whole number of MiB", at: pair.value.location))
                }
            default: errors.append(unknown(pair.key, among: ["on", "grow_disk", "to_mib"], in: "a grow_disk setup"))
            }
        }
        guard let host, let device, let mib else {
            if !pairs.contains(where: { $0.key.text == "on" }) || !pairs.contains(where: { $0.key.text == "to_mib" }) {
                errors.append(.error("a grow_disk setup needs 'on' (a host), 'grow_disk' (the disk) and 'to_mib' (its new size)", at: location))
            }
            return nil
        }
        return .init(host: host, action: .growDisk(device: device, mib: mib), location: location)
    }

    /// `{ on: HOST, write: /ABSOLUTE/PATH, content: TEXT }`.
    private func fileWrite(_ pairs: Node.Pairs, at location: SourceLocation,
                           _ errors: inout [Diagnostic]) -> Scenario.SetupCommand? {
        var host: String?, path: String?, content: String?
        for pair in pairs {
            switch pair.key.text ?? "" {
            case "on": host = string(pair.value, "'on'", &errors)
            case "write":
                path = string(pair.value, "'write'", &errors)
                if let p = path, !p.hasPrefix("/") || p.split(separator: "/").contains("..") {
                    errors.append(.error("'write' must be an absolute path without '..'", at: pair.value.location))
                    path = nil
                }
            case "content": content = string(pair.value, "'content'", &errors)
            default: errors.append(unknown(pair.key, among: ["on", "write", "content"], in: "a write setup"))
            }
        }
        guard let host, let path, let content else {
            if !pairs.contains(where: { $0.key.text == "on" }) || !pairs.contains(where: { $0.key.text == "content" }) {
                errors.append(.error("a write setup needs 'on' (a host), 'write' (the file) and 'content'", at: location))
            }
            return nil
        }
        return .init(host: host, action: .write(path: path, content: content), location: location)
    }

    private func expectations(_ node: Node, _ errors: inout [Diagnostic]) -> Scenario.Expectations {
        var result = Scenario.Expectations(exit: nil, steps: [], cluster: [])
        guard let pairs = node.pairs else {
            errors.append(.error("'expect' must be a mapping, found \(node.kindName)", at: node.location))
            return result
        }
        for pair in pairs {
            let key = pair.key.text ?? ""
            if key == "exit" {
                guard let code = pair.value.text.flatMap(Int32.init) else {
                    errors.append(.error("'exit' must be an integer, found \(pair.value.kindName)", at: pair.value.location))
                    continue
                }
                result.exit = code
            } else if Self.stepStates.contains(key) {
                let ids = list(pair.value, key, &errors).compactMap { string($0, "a step id", &errors) }
                result.steps.append((key, ids, pair.value.location))
            } else if key == "cluster" {
                for item in list(pair.value, "cluster", &errors) {
                    if let check = clusterCheck(item, &errors) { result.cluster.append((check, item.location)) }
                }
            } else {
                errors.append(unknown(pair.key, among: Self.expectKeys, in: "expect"))
            }
        }
        return result
    }

    private func clusterCheck(_ node: Node, _ errors: inout [Diagnostic]) -> Scenario.ClusterCheck? {
        guard let pairs = node.pairs, let first = pairs.first else {
            errors.append(.error("a cluster check is a mapping such as {node: NAME, schedulable: true}, found \(node.kindName)", at: node.location))
            return nil
        }
        func field(_ name: String) -> Node? { pairs.first { $0.key.text == name }?.value }
        func required(_ name: String) -> String? {
            guard let text = field(name)?.text else {
                errors.append(.error("this '\(first.key.text ?? "")' check needs '\(name)'", at: node.location))
                return nil
            }
            return text
        }
        switch first.key.text ?? "" {
        case "node":
            guard let name = first.value.text, let flag = required("schedulable") else { return nil }
            return .nodeSchedulable(node: name, flag == "true")
        case "pods_on":
            guard let name = first.value.text, let count = required("count").flatMap(Int.init) else { return nil }
            return .podsOn(node: name, count: count)
        case "etcd_members":
            return .etcdMembers(list(first.value, "etcd_members", &errors).compactMap(\.text))
        case "haproxy_backends":
            guard let host = first.value.text, let equals = field("equals") else {
                errors.append(.error("haproxy_backends needs a host and 'equals: [..]'", at: node.location))
                return nil
            }
            return .haproxyBackends(host: host, list(equals, "equals", &errors).compactMap(\.text))
        case "file":
            guard let host = first.value.text, let path = required("path") else { return nil }
            if let text = field("contains")?.text { return .fileContains(host: host, path: path, text: text, present: true) }
            if let text = field("not_contains")?.text { return .fileContains(host: host, path: path, text: text, present: false) }
            errors.append(.error("a file check needs 'contains' or 'not_contains'", at: node.location))
            return nil
        case "etcd_key":
            guard let key = first.value.text else { return nil }
            if let value = field("equals")?.text { return .etcdKey(key, value: value) }
            if field("absent")?.text == "true" { return .etcdKey(key, value: nil) }
            errors.append(.error("an etcd_key check needs 'equals' or 'absent: true'", at: node.location))
            return nil
        case "vg_free_mib":
            guard let host = first.value.text, let least = required("at_least").flatMap(Int.init) else { return nil }
            return .volumeGroupFreeAtLeast(host: host, mebibytes: least)
        case "unchanged":
            guard first.value.text == "true" else {
                errors.append(.error("'unchanged' must be true (leave the check out otherwise)", at: first.value.location))
                return nil
            }
            let except = field("except").map { list($0, "except", &errors).compactMap { string($0, "a path", &errors) } } ?? []
            for extra in pairs.dropFirst() where extra.key.text != "except" {
                errors.append(unknown(extra.key, among: ["except"], in: "an 'unchanged' check"))
            }
            return .unchanged(except: except)
        default:
            errors.append(unknown(first.key, among: Self.clusterKeys, in: "a cluster check"))
            return nil
        }
    }

    private func string(_ node: Node, _ what: String, _ errors: inout [Diagnostic]) -> String? {
        guard let text = node.text, !text.isEmpty else {
            errors.append(.error("\(what) must be a non-empty string, found \(node.kindName)", at: node.location))
            return nil
        }
        return text
    }

    private func list(_ node: Node, _ what: String, _ errors: inout [Diagnostic]) -> [Node] {
        guard let items = node.items else {
            errors.append(.error("'\(what)' must be a list, found \(node.kindName)", at: node.location))
            return []
        }
        return Array(items)
    }

    private func unknown(_ key: Node, among known: [String], in what: String) -> Diagnostic {
        let text = key.text ?? ""
        return .error("unknown key '\(text)' in \(what)\(DidYouMean.clause(for: text, among: known))", at: key.location)
    }
}
