import Foundation

/// `update-ca-trust [extract]` and the trust checks that read its result (`openssl verify`).
///
/// RHEL 7's ca-certificates script runs `p11-kit extract` over the system sources
/// (`/usr/share/pki/ca-trust-source`) and the administrator's (`/etc/pki/ca-trust/source`,
/// `anchors/` for CA certificates) and writes the bundles under `/etc/pki/ca-trust/extracted`;
/// OpenSSL's default CA file (`/etc/pki/tls/certs/ca-bundle.crt`) points at
/// `pem/tls-ca-bundle.pem`. The simulator writes that one bundle: a fixed block standing for the
/// distribution's CAs, then every certificate found in a file of `anchors/` (files without a
/// PEM certificate are skipped, as p11-kit skips what it cannot parse). Until it runs, a new
/// anchor is not trusted.
enum CaTrustTool: SimTool {
    static let names = ["update-ca-trust"]

    static let anchors = "/etc/pki/ca-trust/source/anchors"
    static let bundle = "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem"
    static let systemBlock = "# simulated: the distribution's CA certificates (ca-certificates 2018.2.22, RHEL 7)\n"

    static func run(_ c: ToolContext) throws -> Int32 {
        let words = c.args.filter { !$0.hasPrefix("-") }
        switch words.first {
        case nil, "extract":
            try extract(c.tree)
            return 0
        case "enable", "force-enable":
            return 0   // RHEL 7: the consolidated trust store is always enabled
        default:
            throw c.fail("Usage: /usr/bin/update-ca-trust [extract]")
        }
    }

    /// Rebuilds the bundle from the anchors (sorted by file name, as a directory listing).
    static func extract(_ tree: HostTree) throws(SimError) {
        var text = systemBlock
        for name in tree.list(anchors) {
            for block in certificates(tree.read(anchors + "/" + name) ?? "") { text += block }
        }
        try tree.write(bundle, text)
    }

    /// The PEM certificate blocks of a text, each with its END line and a newline.
    static func certificates(_ text: String) -> [String] {
        var blocks: [String] = []
        var current: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "-----BEGIN CERTIFICATE-----" { current = "" }
            guard current != nil else { continue }
            current? += line + "\n"
            if line == "-----END CERTIFICATE-----", let block = current { blocks.append(block); current = nil }
        }
        return blocks
    }

    /// `openssl verify [-CAfile F] FILE…` as OpenSSL 1.0.2k does it for the simulated
    /// certificates, which are all self-signed CAs: one in the CA file (default the system bundle)
    /// is `FILE: OK`. One that is not gets `X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT` (18), which
    /// 1.0.2's `apps/verify.c` callback `cb` prints (the subject, then `error 18 at 0 depth
    /// lookup:…`) and lets pass (`ok = 1`); `X509_verify_cert` then skips the untrusted-chain
    /// error (`bad_chain`), so `check` prints `OK` and the exit status is **0**. Only the
    /// `FILE: OK` line tells a trusted certificate apart: a check must read it, not the status.
    static func verify(_ c: ToolContext) throws -> Int32 {
        var args = Array(c.args.dropFirst())
        var caFile = bundle
        if let i = args.firstIndex(of: "-CAfile"), i + 1 < args.count {
            caFile = args[i + 1]
            args.removeSubrange(i...(i + 1))
        }
        let files = args.filter { !$0.hasPrefix("-") }
        guard !files.isEmpty else { throw c.fail("usage: verify [-verbose] [-CApath path] [-CAfile file] cert1 cert2 ...") }
        let trusted = Set(certificates(c.tree.read(caFile) ?? ""))
        var code: Int32 = 0
        for file in files {
            guard let text = c.tree.read(file) else {
                c.err("Error opening certificate file \(file)\n140230174893984:error:02001002:system library:fopen:No such file or directory\nunable to load certificate\n")
                code = 2
                continue
            }
            guard let cert = certificates(text).first else {
                c.err("unable to load certificate\n140230174893984:error:0906D06C:PEM routines:PEM_read_bio:no start line:pem_lib.c:707:Expecting: TRUSTED CERTIFICATE\n")
                code = 2
                continue
            }
            let subject = Self.subject(of: cert) ?? ""
            if let issuer = Self.line("# issuer: ", of: cert) {
                // Signed by a CA: trusted when that CA is in the file (its subject names it: each
                // simulated CA has its own); else error 20, which the callback does not let pass.
                if trusted.contains(where: { Self.subject(of: $0) == issuer }) {
                    c.out("\(file): OK\n")
                } else {
                    c.out("\(file): \(oneLine(subject))\nerror 20 at 0 depth lookup:unable to get local issuer certificate\n")
                    code = 2
                }
            } else if trusted.contains(cert) {
                c.out("\(file): OK\n")
            } else {
                c.out("\(file): \(oneLine(subject))\nerror 18 at 0 depth lookup:self signed certificate\nOK\n")
            }
        }
        return code
    }

    /// The subject a simulated certificate (or key, or request) was made for.
    static func subject(of pem: String) -> String? { line("# simulated: ", of: pem) }

    private static func line(_ prefix: String, of pem: String) -> String? {
        pem.split(separator: "\n").first { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
    }

    /// A `-subj` style name (`/CN=a/O=b`) as `X509_NAME_print_ex_fp` prints it with
    /// `XN_FLAG_ONELINE` (`CN = a, O = b`), the form 1.0.2's verify callback uses.
    static func oneLine(_ subject: String) -> String {
        guard subject.hasPrefix("/") else { return subject }
        return subject.split(separator: "/").map { part in
            guard let eq = part.firstIndex(of: "=") else { return String(part) }
            return part[..<eq] + " = " + part[part.index(after: eq)...]
        }.joined(separator: ", ")
    }
}
