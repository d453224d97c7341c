import Foundation
import RunbookYAML

/// A host entry of an Ansible inventory split into its names and port, as Ansible's
/// `parse_address(…, allow_ranges=True)` does: `host:2222`, `10.0.0.1:22`, `[2001:db8::1]:2222`
/// carry a port; a bare IPv6 address (`2001:db8::5`) does not (its last group is not a port).
/// When the part before the port is not a valid host name or address, the whole text is the name.
enum HostPattern {
    /// The host names and the port of `pattern`.
    /// - Throws: `Diagnostic` for a bad range, or a pattern ending in `:` without a port.
    static func parse(_ pattern: String, at location: SourceLocation) throws(Diagnostic) -> (names: [String], port: Int?) {
        var address = pattern
        var port: Int? = nil
        if pattern.contains(":") {
            for regex in [bracketedHostPort, hostPort] {
                if let groups = match(regex, address), groups.count == 2 {
                    address = groups[0]
                    port = Int(groups[1])
                }
            }
            if port != nil, ![ipv4, ipv6, hostname].contains(where: { match($0, address) != nil }) {
                address = pattern
                port = nil
            }
            if port == nil, pattern.hasSuffix(":") {
                throw .error("host '\(pattern)' ends in ':'; a ':' after a host name must be followed by a port", at: location,
                             hint: "write host:2222, or [2001:db8::1]:2222 for an IPv6 address")
            }
        }
        let names = try HostRange.expand(address, at: location)
        if let bad = names.first(where: { $0.trimmingCharacters(in: .whitespaces) == "---" }) {
            throw .error("host '\(bad)' looks like a YAML document start; is this a YAML inventory?", at: location,
                         hint: "name the file .yaml, or start it with 'all:'")
        }
        return (names, port)
    }

    /// The capture groups of a whole-string match.
    private static func match(_ regex: NSRegularExpression?, _ s: String) -> [String]? {
        guard let regex else { return nil }
        let ns = s as NSString
        guard let m = regex.firstMatch(in: s, range: NSRange(location: 0, length: ns.length)) else { return nil }
        return (1..<max(1, m.numberOfRanges)).map { ns.substring(with: m.range(at: $0)) }
    }

    // The expressions of ansible/parsing/utils/addresses.py (ansible-core 2.19).
    private static let numericRange = #"\[(?:[0-9]+:[0-9]+)(?::[0-9]+)?\]"#
    private static let hexRange = #"\[(?:[0-9a-f]+:[0-9a-f]+)(?::[0-9]+)?\]"#
    private static let alphanumericRange = #"\[(?:[a-z]:[a-z]|[0-9]+:[0-9]+)(?::[0-9]+)?\]"#
    private static let v6 = "(?:[0-9a-f]{1,4}|\(hexRange))"
    private static let v4 = "(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]|\(numericRange))"
    private static let label = #"(?:[\w]|"# + alphanumericRange + #")(?:[\w_-]|"# + alphanumericRange + #")*(?<![_-])"#

    private static func compile(_ pattern: String, caseless: Bool = false) -> NSRegularExpression? {
        try? NSRegularExpression(pattern: "^" + pattern + "$", options: caseless ? [.caseInsensitive] : [])
    }

    private static let bracketedHostPort = compile(#"\[(.+)\]:([0-9]+)"#)
    private static let hostPort = compile(#"((?:[^:\[\]]|\[[^\]]*\])*):([0-9]+)"#)
    private static let ipv4 = compile("(?:\(v4)\\.){3}\(v4)", caseless: true)
    private static let ipv6 = compile("""
        ((?:\(v6):){7}\(v6)|(?:\(v6):){1,6}:|(?:\(v6):)(?::\(v6)){1,6}|(?:\(v6):){2}(?::\(v6)){1,5}|\
        (?:\(v6):){3}(?::\(v6)){1,4}|(?:\(v6):){4}(?::\(v6)){1,3}|(?:\(v6):){5}(?::\(v6)){1,2}|\
        (?:\(v6):){6}(?::\(v6))|:(?::\(v6)){1,6}|\(v6)?::|(?:0:){6}(?:\(v6)\\.){3}\(v6)|\
        ::(?:ffff:)?(?:\(v6)\\.){3}\(v6)|(?:0:){5}ffff:(?:\(v6)\\.){3}\(v6))
        """, caseless: true)
    private static let hostname = compile("\(label)(?:\\.\(label))*", caseless: true)
}
