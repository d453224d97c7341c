import Foundation

/// `rpm -qa` and `rpm -q NAME`.
enum RpmTool: SimTool {
    static let names = ["rpm"]

    static func run(_ c: ToolContext) throws -> Int32 {
        let packages = try c.view().state.host(c.host)?.packages ?? []
        if c.args.contains("-qa") || (c.args.contains("-q") && c.args.contains("-a")) {
            for p in packages { c.out(p + "\n") }
            return 0
        }
        guard c.args.first == "-q" else { throw c.fail("rpm: no operation specified") }
        var code: Int32 = 0
        for name in c.args.dropFirst() where !name.hasPrefix("-") {
            if let p = packages.first(where: { $0.hasPrefix(name + "-") && $0.dropFirst(name.count + 1).first?.isNumber == true }) {
                c.out(p + "\n")
            } else {
                c.out("package \(name) is not installed\n")
                code = 1
            }
        }
        return code
    }
}
