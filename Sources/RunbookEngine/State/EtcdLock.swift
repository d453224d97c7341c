import Foundation

/// A lock in the team store: a key bound to a lease this process keeps alive. It goes when the
/// holder releases it, or one TTL after the holder stopped renewing (killed, partitioned).
///
/// The key is written once; its mod revision identifies this holding. Every journal append of
/// the run compares it, so a run whose lock was lost or broken can never journal again.
///
/// A lock can also keep a durable **record** (no lease) written in the same transaction and
/// deleted on release: when the holder dies, the lease-bound key goes but the record stays, so
/// the next holder learns who died holding the lock (`previousHolder`, issue 12's rule).
public final class EtcdLock: StateLock, @unchecked Sendable {
    public let label: String
    public let key: String
    /// The revision the lock key (and the record) was written at by this holder.
    public let revision: Int64
    /// A holder that `--break-lock` displaced.
    public let brokenHolder: LockHolder?
    /// The holder a durable record names that died holding the lock (never released it).
    public let previousHolder: LockHolder?
    let recordKey: String?
    /// The bytes of the dead holder's record, put back if this holder steps aside (`yield`).
    let previousRecord: [UInt8]?
    /// Commands the dead previous holder may have left running elsewhere, taken over anyway by
    /// `--break-lock`: journaled as the operator's decision.
    var overridden: [String] = []
    let keeper: any EtcdLeaseKeeper
    private let client: any EtcdClient
    private let mutex = NSLock()
    private var released = false

    init(label: String, key: String, revision: Int64, brokenHolder: LockHolder?, previousHolder: LockHolder?,
         recordKey: String?, previousRecord: [UInt8]?, keeper: any EtcdLeaseKeeper, client: any EtcdClient) {
        self.previousRecord = previousRecord
        self.label = label
        self.key = key
        self.revision = revision
        self.brokenHolder = brokenHolder
        self.previousHolder = previousHolder
        self.recordKey = recordKey
        self.keeper = keeper
        self.client = client
    }

    deinit { release() }

    public var brokenLockEvent: RunEvent? {
        if brokenHolder == nil, let holder = previousHolder, !overridden.isEmpty {
            return RunEvent(.operatorDecision, host: holder.host,
                            message: "break-lock: took \(label) although run \(holder.run) (pid \(holder.pid) on \(holder.host)) died holding it while it ran \(overridden.joined(separator: ", "))")
        }
        return brokenHolder.map { holder in
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
        // The record goes even when the lease expired first: this holder ended cleanly. A record
        // a later holder rewrote has another revision and stays.
        if let recordKey {
            _ = try? client.txn(EtcdTxn(compares: [.modified(recordKey, revision: revision)], success: [.delete(recordKey)]))
        }
        keeper.stop()
    }

    /// Releases the lock and puts the dead previous holder's record back: a holder that steps
    /// aside must leave the record for the next one to see.
    func yield() {
        if let recordKey, let previousRecord {
            _ = try? client.txn(EtcdTxn(compares: [.modified(recordKey, revision: revision)],
                                        success: [.put(recordKey, previousRecord, lease: nil)]))
        }
        release()
    }

    /// Takes the lock at `key`, or throws `LockBusy` naming the holder.
    /// - Parameters:
    ///   - breakLock: replace the holder seen, by a transaction on the revision seen
    ///     (a holder that renewed or changed meanwhile is not displaced).
    ///   - recordKey: where to keep the durable record of this holding (nil: none).
    static func acquire(key: String, label: String, holder: LockHolder, breakLock: Bool, ttl: Int,
                        recordKey: String? = nil, client: any EtcdClient) throws -> EtcdLock {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let record = Array((try? encoder.encode(holder)) ?? Data())
        let keeper = try client.keepAliveLease(ttl: ttl)
        var broken: LockHolder?
        do {
            for _ in 0..<4 {
                var compares: [EtcdTxn.Compare] = [.absent(key)]
                var previous: LockHolder?, previousRecord: [UInt8]?
                if let current = try client.get(key) {
                    let seen = try? JSONDecoder().decode(LockHolder.self, from: Data(current.value))
                    guard breakLock else { throw LockBusy(lock: label, holder: seen, stale: false) }
                    compares = [.modified(key, revision: current.modRevision)]
                    broken = seen
                } else if let recordKey, let left = try client.get(recordKey) {
                    // The key is free but a holder's record is left: it died holding the lock.
                    previous = try? JSONDecoder().decode(LockHolder.self, from: Data(left.value))
                    previousRecord = left.value
                }
                var puts: [EtcdTxn.Operation] = [.put(key, record, lease: keeper.lease)]
                if let recordKey { puts.append(.put(recordKey, record, lease: nil)) }
                guard try client.txn(EtcdTxn(compares: compares, success: puts)) else {
                    broken = nil
                    continue
                }
                guard let mine = try client.get(key), mine.lease == keeper.lease else { continue }
                return EtcdLock(label: label, key: key, revision: mine.modRevision, brokenHolder: broken,
                                previousHolder: previous, recordKey: recordKey, previousRecord: previousRecord,
                                keeper: keeper, client: client)
            }
            throw LockBusy(lock: label, holder: nil, stale: false)
        } catch {
            keeper.stop()
            throw error
        }
    }
}
