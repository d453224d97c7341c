import Foundation

/// A lock in the team store: a key bound to a lease this process keeps alive. It goes when the
/// holder releases it, or one TTL after the holder stopped renewing (killed, partitioned).
///
/// The key is written once; its mod revision identifies this holding. Every journal append of
/// the run compares it, so a run whose lock was lost or broken can never journal again.
public final class EtcdLock: StateLock, @unchecked Sendable {
    public let label: String
    public let key: String
    /// The revision the lock key was written at by this holder.
    public let revision: Int64
    /// A holder that `--break-lock` displaced.
    public let brokenHolder: LockHolder?
    public var previousHolder: LockHolder? { nil }
    let keeper: any EtcdLeaseKeeper
    private let client: any EtcdClient
    private let mutex = NSLock()
    private var released = false

    init(label: String, key: String, revision: Int64, brokenHolder: LockHolder?, keeper: any EtcdLeaseKeeper,
         client: any EtcdClient) {
        self.label = label
        self.key = key
        self.revision = revision
        self.brokenHolder = brokenHolder
        self.keeper = keeper
        self.client = client
    }

    deinit { release() }

    public var brokenLockEvent: RunEvent? {
        brokenHolder.map { holder in
            RunEvent(.operatorDecision, host: holder.host,
                     message: "break-lock: took \(label) from run \(holder.run) (pid \(holder.pid) on \(holder.host)) in the team store")
        }
    }

    /// True while the lease is known to be alive.
    public var isAlive: Bool { keeper.isAlive }

    public func release() {
        let first = mutex.withLock { () -> Bool in
            defer { released = true }
            return !released
        }
        guard first else { return }
        // Only our own holding is deleted; revoking the lease removes it anyway.
        _ = try? client.txn(EtcdTxn(compares: [.modified(key, revision: revision)], success: [.delete(key)]))
        keeper.stop()
    }

    /// Takes the lock at `key`, or throws `LockBusy` naming the holder.
    /// - Parameter breakLock: replace the holder seen, by a transaction on the revision seen
    ///   (a holder that renewed or changed meanwhile is not displaced).
    static func acquire(key: String, label: String, holder: LockHolder, breakLock: Bool, ttl: Int,
                        client: any EtcdClient) throws -> EtcdLock {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let record = Array((try? encoder.encode(holder)) ?? Data())
        let keeper = try client.keepAliveLease(ttl: ttl)
        var broken: LockHolder?
        do {
            for _ in 0..<4 {
                var compares: [EtcdTxn.Compare] = [.absent(key)]
                if let current = try client.get(key) {
                    let seen = try? JSONDecoder().decode(LockHolder.self, from: Data(current.value))
                    guard breakLock else { throw LockBusy(lock: label, holder: seen, stale: false) }
                    compares = [.modified(key, revision: current.modRevision)]
                    broken = seen
                }
                guard try client.txn(EtcdTxn(compares: compares, success: [.put(key, record, lease: keeper.lease)])) else {
                    broken = nil
                    continue
                }
                guard let mine = try client.get(key), mine.lease == keeper.lease else { continue }
                return EtcdLock(label: label, key: key, revision: mine.modRevision, brokenHolder: broken,
                                keeper: keeper, client: client)
            }
            throw LockBusy(lock: label, holder: nil, stale: false)
        } catch {
            keeper.stop()
            throw error
        }
    }
}
