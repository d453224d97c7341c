import Dispatch
import Foundation

/// Renews a lease every third of its TTL from a thread of this process: when the process dies
/// (even by `kill -9`) the renewals stop and the lease, with every key bound to it, expires one
/// TTL later. How a renewal is made is the client's (`EtcdCtl`: an `etcdctl lease keep-alive
/// --once` process; `EtcdHTTPClient`: a gateway call on a connection of its own).
final class RenewingLeaseKeeper: EtcdLeaseKeeper, @unchecked Sendable {
    /// What one renewal learnt.
    enum Renewal: Sendable {
        case renewed
        /// etcd answered that the lease does not exist (it expired or was revoked).
        case lost
        /// No answer: the lease may still live; `isAlive` turns false once a whole TTL passed.
        case unknown
    }

    let lease: Int64
    private let ttl: Int
    private let renew: @Sendable () -> Renewal
    private let revoke: @Sendable () -> Void
    private let lock = NSLock()
    private var lastRenewal = Date()
    private var lost = false
    private var stopped = false
    private let wakeUp = DispatchSemaphore(value: 0)

    init(lease: Int64, ttl: Int, renew: @escaping @Sendable () -> Renewal, revoke: @escaping @Sendable () -> Void) {
        self.lease = lease
        self.ttl = ttl
        self.renew = renew
        self.revoke = revoke
        Thread.detachNewThread { [self] in self.renewLoop() }
    }

    var isAlive: Bool {
        lock.withLock { !lost && !stopped && Date().timeIntervalSince(lastRenewal) < Double(ttl) }
    }

    func stop() {
        let first = lock.withLock { () -> Bool in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        wakeUp.signal()
        revoke()
    }

    private func renewLoop() {
        let interval = max(Double(ttl) / 3, 0.5)
        while true {
            _ = wakeUp.wait(timeout: .now() + interval)
            if lock.withLock({ stopped || lost }) { return }
            let asked = Date()
            switch renew() {
            case .renewed: lock.withLock { lastRenewal = asked }
            case .lost:
                lock.withLock { lost = true }
                return
            case .unknown: continue
            }
        }
    }
}
