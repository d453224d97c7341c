import Foundation
import RunbookYAML
import RunbookCore
import RunbookEngine
import Testing

/// Our reading of each inventory in Tests/Fixtures/inventory against ansible-core's own
/// (`NAME.expected.json`, recorded with `scripts/record-inventory` from `ansible-inventory --list`):
/// every group's hosts and children in order, every host's variables after precedence with their
/// types, and how each host is reached. An inventory Ansible refuses must be refused by us too,
/// with the positioned message listed in `refusals`.
///
/// Deliberate differences (docs/runbook-format.md, "Inventories"): a float, or an integer past
/// 64 bits, stays its text (there is no float `Value`); connection variables (`ansible_host`,
/// `ansible_user`, `ansible_port`, key file, `ansible_become`, `ansible_connection`) become the
/// host's address/user/port/… instead of `host.vars`, the `ssh` spelling winning when both are set.
@Suite struct InventoryDifferentialTests {
    static let directory = FixtureDirectory.url("inventory")

    static let inventories: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { !$0.hasSuffix(".expected.json") }.sorted()
    }()

    /// Our message for each inventory ansible-core refuses (its own reason is in the recorded JSON).
    static let refusals: [String: String] = [
        "cycle.ini": "cycle.ini:6:1: error: group 'c' lists 'a' as a child, but 'a' already contains 'c': groups may not form a cycle",
        "self-child.ini": "self-child.ini:4:1: error: group 'a' lists 'a' as a child, but 'a' already contains 'a': groups may not form a cycle",
        "undefined-child.ini": "undefined-child.ini:2:1: error: group 'p' lists unknown child group 'nosuch'",
        "unterminated-quote.ini": "unterminated-quote.ini:3:9: error: unterminated double quote in host line",
        "vars-undefined-group.ini": "vars-undefined-group.ini:3:1: error: [ghost:vars] given for a group that is never declared",
        "yaml-cycle.yaml": "yaml-cycle.yaml:5:9: error: group 'a' lists 'b' as a child, but 'b' already contains 'a': groups may not form a cycle",
    ]

    @Test func theSuiteIsLargeEnough() {
        #expect(Self.inventories.count >= 40)
    }

    @Test(arguments: inventories)
    func readsLikeAnsible(_ name: String) throws {
        let text = try String(contentsOf: Self.directory.appendingPathComponent(name), encoding: .utf8)
        var base = name
        for ext in [".ini", ".yaml"] where base.hasSuffix(ext) { base = String(base.dropLast(ext.count)) }
        let expected = try JSONDecoder().decode(JSON.self, from: Data(contentsOf: Self.directory.appendingPathComponent(base + ".expected.json")))
        let result = Result { () throws(DiagnosticError) -> Inventory in try InventoryLoader.parse(text, file: name) }
        if case .string(let ansibleError)? = expected["error"] {
            switch result {
            case .success: Issue.record("ansible-core refuses \(name) (\(ansibleError)); we read it")
            case .failure(let error):
                #expect(error.diagnostics.map(\.description) == [Self.refusals[name] ?? "(add the expected message to refusals)"])
            }
            return
        }
        let inventory = try result.get()
        compareGroups(inventory, expected, name)
        compareHosts(inventory, expected, name)
    }

    func compareGroups(_ inventory: Inventory, _ expected: JSON, _ name: String) {
        guard case .object(let groups) = expected else { return }
        for (group, entry) in groups where group != "_meta" {
            let mine = inventory.tree[group]
            #expect(mine != nil, "\(name): group \(group) missing")
            #expect(mine?.children == entry["children"]?.strings ?? [], "\(name): children of \(group)")
            if group != "all" { #expect(mine?.hosts == entry["hosts"]?.strings ?? [], "\(name): hosts of \(group)") }
        }
        // Ansible leaves out groups with neither hosts nor children.
        for (group, g) in inventory.tree where group != "all" && !(g.hosts.isEmpty && g.children.isEmpty) {
            #expect(groups[group] != nil, "\(name): we have group \(group), Ansible does not")
        }
    }

    func compareHosts(_ inventory: Inventory, _ expected: JSON, _ name: String) {
        var names: Set<String> = []
        if case .object(let groups) = expected {
            for (_, entry) in groups { names.formUnion(entry["hosts"]?.strings ?? []) }
        }
        #expect(Set(inventory.hosts.map(\.name)) == names, "\(name): hosts")
        for host in inventory.hosts {
            guard case .object(var vars)? = expected["_meta"]?["hostvars"]?[host.name] ?? .object([:]) else { continue }
            func take(_ keys: String...) -> JSON? {
                var found: JSON? = nil
                for k in keys { if let v = vars.removeValue(forKey: k), found == nil { found = v } }
                return found
            }
            #expect(host.address == take("ansible_ssh_host", "ansible_host")?.text ?? host.name, "\(name): address of \(host.name)")
            #expect(host.user == take("ansible_ssh_user", "ansible_user")?.text, "\(name): user of \(host.name)")
            #expect(host.port.map(String.init) == take("ansible_ssh_port", "ansible_port")?.text, "\(name): port of \(host.name)")
            #expect(host.identityFile == take("ansible_ssh_private_key_file", "ansible_private_key_file")?.text, "\(name): key of \(host.name)")
            #expect(host.become == ["true", "yes", "1", "on"].contains(take("ansible_become")?.text?.lowercased() ?? "false"), "\(name): become of \(host.name)")
            #expect(host.transport.rawValue == (take("ansible_connection")?.text).map { $0 == "smart" || $0 == "paramiko" ? "ssh" : $0 } ?? "ssh",
                    "\(name): transport of \(host.name)")
            #expect(Set(host.vars.keys) == Set(vars.keys), "\(name): variables of \(host.name)")
            for (key, value) in vars {
                #expect(Self.matches(host.vars[key], value), "\(name): \(host.name).\(key) is \(String(describing: host.vars[key])), Ansible has \(value)")
            }
        }
    }

    /// Equal, except that a number we cannot hold as an `Int` (a float, a huge integer) is its text.
    static func matches(_ mine: Value?, _ theirs: JSON) -> Bool {
        switch (mine, theirs) {
        case (.string(let s)?, .string(let t)): return s == t
        case (.int(let i)?, .int(let j)): return i == j
        case (.string(let s)?, .double(let d)): return Double(s.filter { $0 != "_" }) == d
        case (.string(let s)?, .int(let j)): return (s.contains(".") || s.lowercased().contains("e")) && Double(s) == Double(j)
        case (.bool(let a)?, .bool(let b)): return a == b
        case (.null?, .null): return true
        case (.list(let a)?, .array(let b)): return a.count == b.count && zip(a, b).allSatisfy { matches($0, $1) }
        case (.map(let a)?, .object(let b)): return Set(a.keys) == Set(b.keys) && b.allSatisfy { matches(a[$0.key], $0.value) }
        default: return false
        }
    }
}

/// A JSON value as recorded, keeping ints apart from floats and bools.
indirect enum JSON: Decodable, Equatable, CustomStringConvertible {
    case string(String), int(Int), double(Double), bool(Bool), null, array([JSON]), object([String: JSON])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int.self) { self = .int(i) }
        else if let d = try? c.decode(Double.self) { self = .double(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSON].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSON].self)) }
    }

    subscript(key: String) -> JSON? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    var strings: [String]? {
        if case .array(let a) = self { return a.compactMap(\.text) }
        return nil
    }

    /// Scalars as text (`2222`, `true`), for connection settings.
    var text: String? {
        switch self {
        case .string(let s): s
        case .int(let i): String(i)
        case .bool(let b): b ? "true" : "false"
        default: nil
        }
    }

    var description: String {
        switch self {
        case .string(let s): "\"\(s)\""
        case .int(let i): String(i)
        case .double(let d): String(d)
        case .bool(let b): String(b)
        case .null: "null"
        case .array(let a): "[" + a.map(\.description).joined(separator: ", ") + "]"
        case .object(let o): "{" + o.keys.sorted().map { "\($0): \(o[$0]?.description ?? "")" }.joined(separator: ", ") + "}"
        }
    }
}
