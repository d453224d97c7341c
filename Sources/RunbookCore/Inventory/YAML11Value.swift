import RunbookYAML

/// Types YAML nodes as Ansible's loader (PyYAML, YAML 1.1) does for its YAML inventories: a plain
/// `yes`/`no`/`on`/`off`/`true`/`false` (three spellings each) is a bool, `~`/`null`/empty a null,
/// `0x1f`, `0o17`/`017` (octal), `0b101`, `1_000`, `1:30` (base 60) ints; quoted scalars and
/// `!!str`/`!unsafe` are strings. Floats and timestamps have no `Value`: they stay text (the
/// documented difference from Ansible).
enum YAML11Value {
    static func value(of node: Node) -> Value {
        switch node.kind {
        case .scalar(let s):
            guard s.style == .plain, node.tag == nil || node.tag == "!" else {
                switch node.tag {
                case "tag:yaml.org,2002:int": return int(s.text).map(Value.int) ?? .string(s.text)
                case "tag:yaml.org,2002:bool": return bool(s.text).map(Value.bool) ?? .string(s.text)
                case "tag:yaml.org,2002:null": return .null
                default: return .string(s.text)
                }
            }
            return scalar(s.text)
        case .sequence(let items): return .list(items.map(value(of:)))
        case .mapping(let pairs):
            var m: [String: Value] = [:]
            for p in pairs { m[key(p.key)] = value(of: p.value) }
            return .map(m)
        }
    }

    /// A mapping key as Ansible's JSON shows it (`1` for the int 1, `true` for a bool key).
    static func key(_ node: Node) -> String {
        switch value(of: node) {
        case .null: "null"
        case let v: v.description
        }
    }

    static func scalar(_ t: String) -> Value {
        if ["", "~", "null", "Null", "NULL"].contains(t) { return .null }
        if let b = bool(t) { return .bool(b) }
        if let i = int(t) { return .int(i) }
        return .string(t)
    }

    static func bool(_ t: String) -> Bool? {
        switch t {
        case "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON": true
        case "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF": false
        default: nil
        }
    }

    /// PyYAML's int forms (its `construct_yaml_int`).
    static func int(_ t: String) -> Int? {
        var s = Substring(t)
        var sign = 1
        if let f = s.first, f == "-" || f == "+" {
            sign = f == "-" ? -1 : 1
            s = s.dropFirst()
        }
        guard let first = s.first, first.isASCII, first.isNumber else { return nil }
        let digits = s.filter { $0 != "_" }
        func parsed(_ text: Substring, radix: Int) -> Int? { Int(text, radix: radix).map { $0 * sign } }
        if s.hasPrefix("0b") { return s.dropFirst(2).allSatisfy { $0 == "0" || $0 == "1" || $0 == "_" } ? parsed(digits.dropFirst(2), radix: 2) : nil }
        if s.hasPrefix("0x") { return s.dropFirst(2).allSatisfy { $0.isHexDigit || $0 == "_" } ? parsed(digits.dropFirst(2), radix: 16) : nil }
        if s.contains(":") {
            // Base 60: 1:30 is 90. Every part after the first is 0-59.
            let parts = s.split(separator: ":", omittingEmptySubsequences: false)
            guard let head = parts.first, head.first != "0", head.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "_") }) else { return nil }
            var total = 0
            for (i, p) in parts.enumerated() {
                guard let v = Int(p.filter { $0 != "_" }), i == 0 || (p.count <= 2 && v < 60 && !p.isEmpty) else { return nil }
                total = total * 60 + v
            }
            return total * sign
        }
        guard s.allSatisfy({ ($0.isASCII && $0.isNumber) || $0 == "_" }) else { return nil }
        if s.count > 1, s.hasPrefix("0") { return parsed(digits.dropFirst(), radix: 8) }
        return parsed(digits[...], radix: 10)
    }
}
