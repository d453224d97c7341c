import Foundation
import Dispatch

/// `EtcdClient` over the real `etcdctl` (v3 API), run once per call with the TLS flags and
/// timeouts of the store: no gRPC library is needed, and what runs is what an operator would
/// type. Transactions go to `etcdctl txn` on stdin, every value as a Go-quoted string
/// (`\xNN` for any byte that is not printable ASCII), so any bytes round-trip.
public struct EtcdCtl: EtcdClient {
    public let config: EtcdStateConfig
    /// `/usr/bin/etcdctl` unless a test says otherwise.
    public let executable: String

    public init(config: EtcdStateConfig, executable: String = "/usr/bin/etcdctl") {
        self.config = config
        self.executable = executable
    }

    public func checkReachable() throws {
        // A read of one key needs a quorum-free answer from one member within the dial timeout.
        let result = try run(["get", config.prefix + "/", "--limit=1", "--keys-only", "-w", "json"], operation: "get")
        guard result.status == 0 else { throw EtcdError.unreachable(config.url, detail: result.errorSummary) }
    }

    public func get(_ key: String) throws -> EtcdKeyValue? {
        try range(["get", key, "-w", "json"], operation: "get").first
    }

    public func list(prefix: String) throws -> [EtcdKeyValue] {
        try range(["get", prefix, "--prefix", "-w", "json"], operation: "get --prefix")
    }

    public func txn(_ txn: EtcdTxn) throws -> Bool {
        var text = ""
        for compare in txn.compares {
            switch compare {
            case .absent(let key): text += "create(\(Self.quote(key))) = \"0\"\n"
            case .present(let key): text += "create(\(Self.quote(key))) > \"0\"\n"
            case let .modified(key, revision): text += "mod(\(Self.quote(key))) = \"\(revision)\"\n"
            }
        }
        text += "\n"
        for operation in txn.success {
            switch operation {
            case let .put(key, value, lease):
                text += "put " + (lease.map { "--lease=\(String($0, radix: 16)) " } ?? "")
                    + Self.quote(key) + " " + Self.quote(value) + "\n"
            case .delete(let key): text += "del \(Self.quote(key))\n"
            }
        }
        text += "\n\n"
        let result = try run(["txn", "-w", "json"], stdin: Array(text.utf8), operation: "txn")
        try result.check(config.url, operation: "txn")
        struct Answer: Decodable { var succeeded: Bool? }
        guard let answer = try? JSONDecoder().decode(Answer.self, from: Data(result.stdout)) else {
            throw EtcdError.failed("txn", detail: "unreadable answer")
        }
        return answer.succeeded ?? false
    }

    public func keepAliveLease(ttl: Int) throws -> any EtcdLeaseKeeper {
        let result = try run(["lease", "grant", String(ttl), "-w", "json"], operation: "lease grant")
        try result.check(config.url, operation: "lease grant")
        struct Grant: Decodable { var ID: Int64 }
        guard let grant = try? JSONDecoder().decode(Grant.self, from: Data(result.stdout)) else {
            throw EtcdError.failed("lease grant", detail: "unreadable answer")
        }
        let lease = grant.ID
        return RenewingLeaseKeeper(lease: lease, ttl: ttl, renew: { renewal(of: lease) }, revoke: { revoke(lease) })
    }

    /// `lease keep-alive --once`, and when it fails `lease timetolive` to tell a lost lease
    /// from a store that did not answer.
    func renewal(of lease: Int64) -> RenewingLeaseKeeper.Renewal {
        if (try? run(["lease", "keep-alive", "--once", String(lease, radix: 16)], operation: "lease keep-alive"))?.status == 0 {
            return .renewed
        }
        return get(leaseProbe: lease) == false ? .lost : .unknown
    }

    func revoke(_ lease: Int64) {
        _ = try? run(["lease", "revoke", String(lease, radix: 16)], operation: "lease revoke")
    }

    private func range(_ arguments: [String], operation: String) throws -> [EtcdKeyValue] {
        let result = try run(arguments, operation: operation)
        try result.check(config.url, operation: operation)
        struct Range: Decodable {
            struct KV: Decodable {
                var key: String
                var value: String?
                var create_revision: Int64
                var mod_revision: Int64
                var lease: Int64?
            }
            var kvs: [KV]?
        }
        guard let range = try? JSONDecoder().decode(Range.self, from: Data(result.stdout)) else {
            throw EtcdError.failed(operation, detail: "unreadable answer")
        }
        return try (range.kvs ?? []).map { kv in
            guard let key = Data(base64Encoded: kv.key), let value = Data(base64Encoded: kv.value ?? "") else {
                throw EtcdError.failed(operation, detail: "unreadable key or value")
            }
            return EtcdKeyValue(key: String(decoding: key, as: UTF8.self), value: Array(value),
                                createRevision: kv.create_revision, modRevision: kv.mod_revision, lease: kv.lease ?? 0)
        }
    }

    struct Result {
        var status: Int32
        var stdout: [UInt8]
        var stderr: [UInt8]

        /// The last line of stderr (etcdctl ends with `Error: …`).
        var errorSummary: String {
            let lines = String(decoding: stderr, as: UTF8.self).split(separator: "\n")
            return lines.last(where: { $0.hasPrefix("Error:") }).map { String($0.dropFirst(7)) }
                ?? lines.last.map(String.init) ?? "etcdctl exited with status \(status)"
        }

        func check(_ url: String, operation: String) throws {
            guard status != 0 else { return }
            let summary = errorSummary
            if summary.contains("deadline exceeded") || summary.contains("connection refused") {
                throw EtcdError.unreachable(url, detail: summary)
            }
            throw EtcdError.failed(operation, detail: summary)
        }
    }

    /// The flags every call carries: endpoints, TLS files, timeouts.
    var commonArguments: [String] {
        let options = config.options
        let scheme = options.usesTLS ? "https://" : "http://"
        var arguments = ["--endpoints=" + config.endpoints.map { scheme + $0 }.joined(separator: ","),
                         "--dial-timeout=\(options.dialTimeout)s", "--command-timeout=\(options.commandTimeout)s"]
        if let ca = options.caFile { arguments.append("--cacert=" + ca) }
        if let cert = options.certFile { arguments.append("--cert=" + cert) }
        if let key = options.keyFile { arguments.append("--key=" + key) }
        return arguments
    }

    func run(_ arguments: [String], stdin: [UInt8]? = nil, operation: String) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = commonArguments + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["ETCDCTL_API"] = "3"
        process.environment = environment
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = stdin == nil ? FileHandle.nullDevice : input
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw EtcdError.failed(operation, detail: "cannot run \(executable): \(error)")
        }
        if let stdin {
            input.fileHandleForWriting.write(Data(stdin))
            try? input.fileHandleForWriting.close()
        }
        // etcdctl's own --command-timeout does not bound every call (a txn or a keep-alive to a
        // member that went away waits on): stop it after both timeouts have passed.
        let limit = config.options.dialTimeout + config.options.commandTimeout
        let stopper = DispatchWorkItem { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(limit), execute: stopper)
        defer { stopper.cancel() }
        let errorBytes = ErrorCollector()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errorBytes.set(Array(errors.fileHandleForReading.readDataToEndOfFile()))
            group.leave()
        }
        let out = Array(output.fileHandleForReading.readDataToEndOfFile())
        group.wait()
        process.waitUntilExit()
        stopper.cancel()
        if process.terminationReason == .uncaughtSignal {
            return Result(status: 128 + process.terminationStatus, stdout: [],
                          stderr: Array("Error: no answer within \(limit) s (deadline exceeded)\n".utf8))
        }
        return Result(status: process.terminationStatus, stdout: out, stderr: errorBytes.get())
    }

    /// `"…"` as Go's `%q` reads it back.
    static func quote(_ text: String) -> String { quote(Array(text.utf8)) }

    static func quote(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = [UInt8(ascii: "\"")]
        for b in bytes {
            switch b {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), b]
            case 0x20..<0x7F: out.append(b)
            default: out += [UInt8(ascii: "\\"), UInt8(ascii: "x"), digits[Int(b >> 4)], digits[Int(b & 0xF)]]
            }
        }
        out.append(UInt8(ascii: "\""))
        return String(decoding: out, as: UTF8.self)
    }
}

private final class ErrorCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes: [UInt8] = []
    func set(_ value: [UInt8]) { lock.withLock { bytes = value } }
    func get() -> [UInt8] { lock.withLock { bytes } }
}

extension EtcdCtl {
    /// False when etcd answers that the lease does not exist; nil when it cannot be asked.
    func get(leaseProbe lease: Int64) -> Bool? {
        guard let result = try? run(["lease", "timetolive", String(lease, radix: 16), "-w", "json"],
                                    operation: "lease timetolive"), result.status == 0 else { return nil }
        struct Live: Decodable { var TTL: Int64 }
        guard let live = try? JSONDecoder().decode(Live.self, from: Data(result.stdout)) else { return nil }
        return live.TTL > 0
    }
}
