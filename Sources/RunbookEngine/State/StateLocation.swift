import Foundation
import RunbookYAML

/// Where runs, journals and locks are kept: a local state directory (the default, `.runbook`)
/// or a team store on etcd v3 (`etcd://HOST:PORT[,HOST:PORT…]/PREFIX`).
public enum StateLocation: Sendable, Hashable, CustomStringConvertible {
    /// A local state directory.
    case directory(String)
    /// A team store on etcd.
    case etcd(EtcdStateConfig)

    public var description: String {
        switch self {
        case .directory(let path): path
        case .etcd(let config): config.url
        }
    }

    /// Parses a `--state` / `RUNBOOK_STATE` value: `etcd://…` is a team store, `file://PATH`
    /// or anything without a scheme a directory.
    /// - Parameter tls: the TLS files and timeouts given beside the URL.
    /// - Throws: a diagnostic naming what is wrong with the value.
    public static func parse(_ text: String, tls: EtcdConnectionOptions = EtcdConnectionOptions())
        throws(StateLocationError) -> StateLocation {
        guard !text.isEmpty else { throw StateLocationError(text, "the state location is empty") }
        if text.hasPrefix("file://") { return .directory(String(text.dropFirst("file://".count))) }
        guard let schemeEnd = text.range(of: "://") else { return .directory(text) }
        let scheme = text[..<schemeEnd.lowerBound]
        guard scheme == "etcd" else {
            throw StateLocationError(text, "unknown state store '\(scheme)://' (a directory path or etcd://HOST:PORT[,HOST:PORT…]/PREFIX)")
        }
        let rest = text[schemeEnd.upperBound...]
        let hostsPart = rest.prefix { $0 != "/" }
        let prefixPart = rest.dropFirst(hostsPart.count)
        var endpoints: [String] = []
        for endpoint in hostsPart.split(separator: ",", omittingEmptySubsequences: false) {
            guard let colon = endpoint.lastIndex(of: ":"), colon != endpoint.startIndex,
                  let port = Int(endpoint[endpoint.index(after: colon)...]), (1...65535).contains(port)
            else { throw StateLocationError(text, "'\(endpoint)' is not HOST:PORT") }
            endpoints.append(String(endpoint))
        }
        let prefix = "/" + prefixPart.split(separator: "/").joined(separator: "/")
        guard prefix != "/" else {
            throw StateLocationError(text, "the etcd URL needs a key prefix, e.g. etcd://\(hostsPart)/runbook")
        }
        return .etcd(EtcdStateConfig(endpoints: endpoints, prefix: prefix, options: tls))
    }

    /// The location a command uses: `--state`, else `--state-dir`, else `RUNBOOK_STATE`, else
    /// `RUNBOOK_STATE_DIR`, else the config files' `state` (`configured`), else `.runbook`.
    /// - Throws: when both flags are given, or the chosen value does not parse.
    public static func resolve(state: String?, stateDirectory: String?, environment: [String: String],
                               configured: String? = nil, tls: EtcdConnectionOptions = EtcdConnectionOptions())
        throws(StateLocationError) -> StateLocation {
        if let state, let stateDirectory {
            throw StateLocationError(state, "--state and --state-dir both given (\(state), \(stateDirectory)); pass one")
        }
        if let state { return try parse(state, tls: tls) }
        if let stateDirectory { return .directory(stateDirectory) }
        if let env = environment["RUNBOOK_STATE"], !env.isEmpty { return try parse(env, tls: tls) }
        if let env = environment["RUNBOOK_STATE_DIR"], !env.isEmpty { return .directory(env) }
        if let configured { return try parse(configured, tls: tls) }
        return .directory(RunDirectory.defaultStateDirectory)
    }
}

/// How to reach etcd: the TLS files (named as etcdctl names them) and timeouts.
public struct EtcdConnectionOptions: Sendable, Hashable {
    /// `--cacert`: the CA bundle that signed the members' certificates (turns on TLS).
    public var caFile: String?
    /// `--cert`: the client certificate.
    public var certFile: String?
    /// `--key`: the client certificate's key.
    public var keyFile: String?
    /// `--dial-timeout`, seconds.
    public var dialTimeout: Int
    /// `--command-timeout`, seconds.
    public var commandTimeout: Int
    /// `--lock-ttl`: seconds a lock outlives a holder that stopped keeping it alive.
    public var lockTTL: Int

    public init(caFile: String? = nil, certFile: String? = nil, keyFile: String? = nil,
                dialTimeout: Int = 5, commandTimeout: Int = 5, lockTTL: Int = 15) {
        self.caFile = caFile
        self.certFile = certFile
        self.keyFile = keyFile
        self.dialTimeout = dialTimeout
        self.commandTimeout = commandTimeout
        self.lockTTL = lockTTL
    }

    /// True when the client speaks TLS to the members.
    public var usesTLS: Bool { caFile != nil || certFile != nil }
}

/// An etcd team store: its members, the key prefix every key lives under, and how to connect.
public struct EtcdStateConfig: Sendable, Hashable {
    /// `HOST:PORT` of each member the client may use.
    public var endpoints: [String]
    /// `/runbook`: every key is under it.
    public var prefix: String
    public var options: EtcdConnectionOptions

    public init(endpoints: [String], prefix: String, options: EtcdConnectionOptions = EtcdConnectionOptions()) {
        self.endpoints = endpoints
        self.prefix = prefix
        self.options = options
    }

    /// `etcd://HOST:PORT,…/PREFIX`.
    public var url: String { "etcd://\(endpoints.joined(separator: ","))\(prefix)" }
}

/// A `--state` / `RUNBOOK_STATE` value that cannot be used (exit 2).
public struct StateLocationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var value: String
    public var reason: String

    public init(_ value: String, _ reason: String) {
        self.value = value
        self.reason = reason
    }

    public var diagnostic: Diagnostic {
        .error("state location '\(value)': \(reason)", at: nil,
               hint: "--state takes a directory or etcd://HOST:PORT[,HOST:PORT…]/PREFIX")
    }

    public var description: String { diagnostic.description }
}
