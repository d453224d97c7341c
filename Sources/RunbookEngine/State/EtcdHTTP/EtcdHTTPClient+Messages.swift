import Foundation

/// Requests written and answers read: the gateway's JSON (`EtcdGateway`) over HTTP/1.1.
extension EtcdHTTPClient {
    /// `POST path` with a JSON body, keeping the connection open.
    static func request(_ path: String, endpoint: String, _ body: [UInt8]) -> [UInt8] {
        Array("POST \(path) HTTP/1.1\r\nHost: \(endpoint)\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n".utf8)
            + body
    }

    /// The body of a `200 OK`; an error answer as etcdctl would report it: gRPC's deadline
    /// exceeded (4) and unavailable (14, no leader, request timed out) as an unreachable store,
    /// anything else (a lease not found, a request too large) as a failed call.
    func answer(_ response: HTTPResponse, from endpoint: String, operation: String) throws -> [UInt8] {
        guard response.status != 200 else { return response.body }
        guard let error = try? JSONDecoder().decode(EtcdGateway.ErrorResponse.self, from: Data(response.body)),
              let message = error.error ?? error.message else {
            throw EtcdError.failed(operation, detail: "\(endpoint) answered HTTP \(response.status)")
        }
        if error.code == 4 || error.code == 14 { throw EtcdError.unreachable(config.url, detail: message) }
        throw EtcdError.failed(operation, detail: message)
    }

    func decode<Answer: Decodable>(_ type: Answer.Type, _ body: [UInt8], operation: String) throws -> Answer {
        guard let answer = try? JSONDecoder().decode(type, from: Data(body)) else {
            throw EtcdError.failed(operation, detail: "unreadable answer")
        }
        return answer
    }

    /// Absent: created at revision 0; present: created after 0; modified: last written at that revision.
    static func compare(_ compare: EtcdTxn.Compare) -> EtcdGateway.TxnRequest.Compare {
        switch compare {
        case .absent(let key):
            .init(key: Data(key.utf8), target: "CREATE", result: "EQUAL", create_revision: "0")
        case .present(let key):
            .init(key: Data(key.utf8), target: "CREATE", result: "GREATER", create_revision: "0")
        case let .modified(key, revision):
            .init(key: Data(key.utf8), target: "MOD", result: "EQUAL", mod_revision: String(revision))
        }
    }

    static func operation(_ operation: EtcdTxn.Operation) -> EtcdGateway.TxnRequest.Operation {
        switch operation {
        case let .put(key, value, lease):
            .init(request_put: .init(key: Data(key.utf8), value: Data(value), lease: lease.map { String($0) }))
        case .delete(let key):
            .init(request_delete_range: .init(key: Data(key.utf8)))
        }
    }

    /// The end of the range of every key starting with `prefix` (clientv3's `GetPrefixRangeEnd`):
    /// the prefix with its last byte below 0xff incremented and what follows it dropped; `\0`
    /// (every key) when there is none.
    static func prefixEnd(_ prefix: [UInt8]) -> [UInt8] {
        var end = prefix
        while let last = end.last {
            if last < 0xFF {
                end[end.count - 1] = last + 1
                return end
            }
            end.removeLast()
        }
        return [0]
    }
}
