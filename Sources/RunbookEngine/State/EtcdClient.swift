/// One key of etcd as a `get` returns it.
public struct EtcdKeyValue: Sendable, Hashable {
    public var key: String
    public var value: [UInt8]
    /// The revision that created the key (its identity: a key deleted and made again gets a new one).
    public var createRevision: Int64
    public var modRevision: Int64
    /// The lease the key is bound to (0: none).
    public var lease: Int64

    public init(key: String, value: [UInt8], createRevision: Int64, modRevision: Int64, lease: Int64) {
        self.key = key
        self.value = value
        self.createRevision = createRevision
        self.modRevision = modRevision
        self.lease = lease
    }
}

/// An etcd v3 transaction: when every compare holds, the success operations run, all or none.
public struct EtcdTxn: Sendable, Hashable {
    public enum Compare: Sendable, Hashable {
        /// The key does not exist.
        case absent(String)
        /// The key exists.
        case present(String)
        /// The key exists and was last written at this revision (it is the value a reader saw).
        case modified(String, revision: Int64)
    }

    public enum Operation: Sendable, Hashable {
        case put(String, [UInt8], lease: Int64?)
        case delete(String)
    }

    public var compares: [Compare]
    public var success: [Operation]

    public init(compares: [Compare], success: [Operation]) {
        self.compares = compares
        self.success = success
    }
}

/// A lease being kept alive until `stop()` or until it is lost.
public protocol EtcdLeaseKeeper: Sendable {
    var lease: Int64 { get }
    /// False once the keeper learnt the lease expired or could not renew it for a whole TTL.
    var isAlive: Bool { get }
    /// Stops renewing and revokes the lease (the keys bound to it go).
    func stop()
}

/// The etcd v3 operations the team store needs. `EtcdHTTPClient` speaks to etcd's JSON gateway,
/// `EtcdCtl` drives the real `etcdctl` (`EtcdStateConfig.makeClient` chooses); tests use
/// it against a real etcd on loopback.
public protocol EtcdClient: Sendable {
    /// Throws `EtcdError.unreachable` when no member answers within the dial timeout.
    func checkReachable() throws
    func get(_ key: String) throws -> EtcdKeyValue?
    /// Every key under `prefix`, in key order.
    func list(prefix: String) throws -> [EtcdKeyValue]
    /// Runs the transaction; true when its compares held (and so its operations ran).
    func txn(_ txn: EtcdTxn) throws -> Bool
    /// A new lease of `ttl` seconds, kept alive until stopped.
    func keepAliveLease(ttl: Int) throws -> any EtcdLeaseKeeper
}

/// A failed etcd call.
public enum EtcdError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No member answered.
    case unreachable(String, detail: String)
    /// The call was answered with an error, or its answer could not be read.
    case failed(String, detail: String)
    /// The answer was larger than the client accepts (bytes).
    case answerTooLarge(String, cap: Int)

    public var description: String {
        switch self {
        case let .unreachable(url, detail): "cannot reach the state store \(url): \(detail)"
        case let .failed(operation, detail): "etcd \(operation) failed: \(detail)"
        case let .answerTooLarge(operation, cap): "etcd \(operation) failed: the answer is larger than \(cap) bytes (the response cap)"
        }
    }
}
