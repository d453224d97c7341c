import Foundation

/// `EtcdClient` over etcd v3's JSON gateway (grpc-gateway, served on every member's client
/// port): one kept-alive HTTP/1.1 connection instead of an `etcdctl` process per call, which
/// took ~60–70 ms to start and dial (docs/performance.md, "Team store on etcd").
///
/// The connection is to one endpoint at a time, tried in the order given; one that failed or
/// that the member closed is reopened on the next endpoint. Timeouts mean what etcdctl's flags
/// mean: `dialTimeout` bounds each connect, `commandTimeout` each request and its answer. A
/// request that never left whole is sent to the next endpoint; a read whose answer was lost is
/// asked once more there; a transaction whose answer was lost is not sent again (it may have
/// been applied): the caller decides, as with an `etcdctl` that was killed. A lock serialises
/// callers on the one connection; lease renewals go over a connection of their own
/// (`keepAliveLease`), so a renewal never waits behind a slow transaction.
public final class EtcdHTTPClient: EtcdClient, @unchecked Sendable {
    /// The members (plain HTTP), the prefix and the timeouts.
    public let config: EtcdStateConfig
    /// The largest answer body accepted, in bytes.
    public let responseCap: Int
    /// Keys a page of `list` asks for first.
    public let pageSize: Int
    private let mutex = NSLock()
    private var connection: HTTPConnection?
    /// The endpoint `connection` is to, or the first to dial.
    private var endpointIndex = 0

    /// - Parameters:
    ///   - responseCap: the largest answer accepted (`responseCap(forFileCap:)`).
    ///   - pageSize: keys a page of `list` asks for first.
    public init(config: EtcdStateConfig, responseCap: Int, pageSize: Int = 1000) {
        self.config = config
        self.responseCap = responseCap
        self.pageSize = max(1, pageSize)
    }

    /// A cap for a store that keeps up to `fileCap` bytes of files a run: the largest legitimate
    /// answer is one run's files and journal (16 MiB of lines allowed), base64 in JSON.
    public static func responseCap(forFileCap fileCap: Int) -> Int {
        (fileCap + 16 * 1024 * 1024) / 3 * 4 + 64 * 1024
    }

    public func checkReachable() throws {
        // The read etcdctl makes: one key, linearizable, so a member without quorum fails it.
        do {
            _ = try range(EtcdGateway.RangeRequest(key: Data((config.prefix + "/").utf8), limit: "1", keys_only: true),
                          operation: "get")
        } catch EtcdError.failed(_, let detail) {
            throw EtcdError.unreachable(config.url, detail: detail)
        }
    }

    public func get(_ key: String) throws -> EtcdKeyValue? {
        try range(EtcdGateway.RangeRequest(key: Data(key.utf8)), operation: "get").first
    }

    /// Reads the range in pages, all at the revision of the first (one consistent view, as a
    /// single range would be), so that no answer needs to be larger than the cap however large
    /// the store grows; a page too large for the cap is asked again with fewer keys.
    public func list(prefix: String) throws -> [EtcdKeyValue] {
        let start = Array(prefix.utf8), end = Data(Self.prefixEnd(start))
        var request = EtcdGateway.RangeRequest(key: Data(start), range_end: end)
        var limit = pageSize, all: [EtcdKeyValue] = []
        while true {
            request.limit = String(limit)
            let page: EtcdGateway.RangeResponse
            do {
                page = try rangePage(request, operation: "get --prefix")
            } catch EtcdError.answerTooLarge where limit > 1 {
                limit = max(1, limit / 10)
                continue
            }
            let kvs = (page.kvs ?? []).map(Self.keyValue)
            all += kvs
            guard page.more == true, let last = kvs.last else { return all }
            if request.revision == nil {
                guard let revision = page.header?.revision?.value else {
                    throw EtcdError.failed("get --prefix", detail: "a page without the store's revision")
                }
                request.revision = String(revision)
            }
            request.key = Data(Array(last.key.utf8) + [0])
        }
    }

    public func txn(_ txn: EtcdTxn) throws -> Bool {
        let body = EtcdGateway.TxnRequest(compare: txn.compares.map(Self.compare), success: txn.success.map(Self.operation))
        let answer = try post("/v3/kv/txn", body, operation: "txn", idempotent: false)
        return try decode(EtcdGateway.TxnResponse.self, answer, operation: "txn").succeeded ?? false
    }

    public func keepAliveLease(ttl: Int) throws -> any EtcdLeaseKeeper {
        // A grant whose answer was lost may be asked again: the lease nobody holds expires in one TTL.
        let answer = try post("/v3/lease/grant", EtcdGateway.LeaseRequest(TTL: String(ttl)), operation: "lease grant",
                              idempotent: true)
        let grant = try decode(EtcdGateway.LeaseGrantResponse.self, answer, operation: "lease grant")
        guard let lease = grant.ID?.value, lease != 0, (grant.error ?? "").isEmpty else {
            throw EtcdError.failed("lease grant", detail: grant.error ?? "no lease in the answer")
        }
        let renewer = EtcdHTTPClient(config: config, responseCap: 64 * 1024)
        return RenewingLeaseKeeper(lease: lease, ttl: ttl, renew: { renewer.renew(lease) }, revoke: { renewer.revoke(lease) })
    }

    /// One `lease/keepalive`: etcd answers a TTL of 0 for a lease that does not exist.
    func renew(_ lease: Int64) -> RenewingLeaseKeeper.Renewal {
        guard let answer = try? post("/v3/lease/keepalive", EtcdGateway.LeaseRequest(ID: String(lease)),
                                     operation: "lease keep-alive", idempotent: true),
              let first = answer.split(separator: 0x0A).first,
              let message = try? JSONDecoder().decode(EtcdGateway.KeepAliveMessage.self, from: Data(first)),
              let result = message.result
        else { return .unknown }
        return (result.TTL?.value ?? 0) > 0 ? .renewed : .lost
    }

    func revoke(_ lease: Int64) {
        _ = try? post("/v3/lease/revoke", EtcdGateway.LeaseRequest(ID: String(lease)), operation: "lease revoke", idempotent: true)
    }

    private func range(_ request: EtcdGateway.RangeRequest, operation: String) throws -> [EtcdKeyValue] {
        try (rangePage(request, operation: operation).kvs ?? []).map(Self.keyValue)
    }

    private func rangePage(_ request: EtcdGateway.RangeRequest, operation: String) throws -> EtcdGateway.RangeResponse {
        try decode(EtcdGateway.RangeResponse.self, post("/v3/kv/range", request, operation: operation, idempotent: true),
                   operation: operation)
    }

    private static func keyValue(_ kv: EtcdGateway.RangeResponse.KeyValue) -> EtcdKeyValue {
        EtcdKeyValue(key: String(decoding: kv.key, as: UTF8.self), value: Array(kv.value ?? Data()),
                     createRevision: kv.create_revision?.value ?? 0, modRevision: kv.mod_revision?.value ?? 0,
                     lease: kv.lease?.value ?? 0)
    }

    /// POSTs `body` to `path` and returns the body of its `200 OK` answer.
    /// - Parameter idempotent: the request may be asked again on the next endpoint when its
    ///   answer was lost (reads, lease calls); never for a transaction.
    /// - Throws: `EtcdError.unreachable` when no member answered, `.failed` when one answered an
    ///   error, `.answerTooLarge` when the answer passed `responseCap`.
    private func post(_ path: String, _ body: some Encodable, operation: String, idempotent: Bool) throws -> [UInt8] {
        let payload = Array((try? JSONEncoder().encode(body)) ?? Data())
        return try mutex.withLock { () throws -> [UInt8] in
            var unsent = config.endpoints.count, lost = idempotent ? 1 : 0
            while true {
                let connection = try connected()
                do {
                    let response = try connection.exchange(Self.request(path, endpoint: connection.endpoint, payload),
                                                           timeout: config.options.commandTimeout, cap: responseCap)
                    if !response.keepAlive { drop() }
                    return try answer(response, from: connection.endpoint, operation: operation)
                } catch let failure as HTTPFailure {
                    drop()
                    if case .tooLarge(let cap) = failure { throw EtcdError.answerTooLarge(operation, cap: cap) }
                    if !failure.requestMayHaveArrived, unsent > 0 {
                        unsent -= 1
                        continue
                    }
                    if failure.isUnreachable, lost > 0 {
                        lost -= 1
                        continue
                    }
                    let detail = "\(connection.endpoint): \(failure)"
                    throw failure.isUnreachable ? EtcdError.unreachable(config.url, detail: detail)
                                                : EtcdError.failed(operation, detail: detail)
                } catch EtcdError.unreachable where lost > 0 {
                    // A member that answered "unavailable" (no leader, timed out): once more elsewhere.
                    drop()
                    lost -= 1
                }
            }
        }
    }

    /// The open connection, or a new one to the first endpoint (from the current one on) that accepts.
    private func connected() throws -> HTTPConnection {
        if let connection {
            if connection.isUsable { return connection }
            drop()
        }
        var failures: [String] = []
        for offset in 0..<config.endpoints.count {
            let index = (endpointIndex + offset) % config.endpoints.count
            do {
                let opened = try HTTPConnection.open(config.endpoints[index], timeout: config.options.dialTimeout)
                connection = opened
                endpointIndex = index
                return opened
            } catch {
                failures.append("\(config.endpoints[index]): \(error)")
            }
        }
        throw EtcdError.unreachable(config.url, detail: failures.joined(separator: "; "))
    }

    /// Closes the connection; the next one starts at the next endpoint.
    private func drop() {
        connection?.close()
        connection = nil
        endpointIndex = (endpointIndex + 1) % max(1, config.endpoints.count)
    }
}
