import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `openssl enc`, which `fetch` runs on the machine running `runbook` to encrypt a backup on
/// arrival. On the simulated controller it is the system's own OpenSSL (the real program, run
/// inside the controller's sandbox): the operator decrypts the file with the same tool. On a
/// simulated cluster host it follows RHEL 7's OpenSSL 1.0.2k, which has no `-pbkdf2` (added in
/// OpenSSL 1.1.1, apps/enc.c): such a call fails as 1.0.2k's option parser does.
enum OpensslEnc {
    /// Options 1.1.1 added that 1.0.2's `enc` does not know.
    static let newerOptions: Set<String> = ["-pbkdf2", "-iter"]

    static func run(_ c: ToolContext) throws -> Int32 {
        // 1.0.2's MAIN reads the options in order and stops at the first it does not know:
        // `unknown option '%s'`, then its usage list (not reproduced), exit 1.
        if c.host != SimLayout.controllerHost, let unknown = c.args.first(where: newerOptions.contains) {
            throw c.fail("unknown option '\(unknown)'")
        }
        guard let real = systemOpenssl(c) else {
            throw c.fail("openssl: the system's openssl was not found on PATH", code: 127)
        }
        let argv = ["openssl"] + c.args
        var pointers = argv.map { strdup($0) } + [nil]
        execv(real, &pointers)
        throw c.fail("openssl: cannot run \(real): \(String(cString: strerror(errno)))", code: 126)
    }

    /// The first `openssl` on PATH that is not the simulator's own.
    static func systemOpenssl(_ c: ToolContext) -> String? {
        let path = c.environment["PATH"] ?? "/usr/bin:/bin"
        let own = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().path
        for directory in path.split(separator: ":").map(String.init) where !directory.isEmpty {
            let candidate = directory + "/openssl"
            guard access(candidate, X_OK) == 0 else { continue }
            let resolved = URL(fileURLWithPath: candidate).resolvingSymlinksInPath().path
            if resolved == own || resolved.hasSuffix("/runbook-sim") { continue }
            return candidate
        }
        return nil
    }
}
