import Foundation

/// The JSON bodies of etcd v3's gRPC gateway (etcd 3.4: etcdserver/etcdserverpb/rpc.proto and
/// mvcc/mvccpb/kv.proto, rendered by grpc-gateway's jsonpb): keys and values are base64
/// (`Data`), int64 fields are strings, enums are their names, and fields at their zero value
/// are left out of answers (a key without a lease has no `lease`, a failed txn no `succeeded`).
enum EtcdGateway {
    /// `POST /v3/kv/range`. Never `serializable`: reads stay linearizable, etcd's default.
    struct RangeRequest: Encodable {
        var key: Data
        var range_end: Data?
        var limit: String?
        /// Read as of this revision (the later pages of one listing), not the latest.
        var revision: String?
        var keys_only: Bool?
    }

    struct RangeResponse: Decodable {
        struct KeyValue: Decodable {
            var key: Data
            var value: Data?
            var create_revision: JSONInt64?
            var mod_revision: JSONInt64?
            var lease: JSONInt64?
        }
        struct Header: Decodable {
            var revision: JSONInt64?
        }
        var header: Header?
        var kvs: [KeyValue]?
        /// More keys in the range than `limit` let through.
        var more: Bool?
    }

    /// `POST /v3/kv/txn` with `Compare` (target `CREATE`/`MOD`, result `EQUAL`/`GREATER`) and
    /// `RequestOp`s (`request_put`, `request_delete_range`).
    struct TxnRequest: Encodable {
        struct Compare: Encodable {
            var key: Data
            var target: String
            var result: String
            var create_revision: String?
            var mod_revision: String?
        }
        struct Put: Encodable {
            var key: Data
            var value: Data
            var lease: String?
        }
        struct Delete: Encodable {
            var key: Data
        }
        struct Operation: Encodable {
            var request_put: Put?
            var request_delete_range: Delete?
        }
        var compare: [Compare]
        var success: [Operation]
    }

    struct TxnResponse: Decodable {
        var succeeded: Bool?
    }

    /// `POST /v3/lease/grant` (`TTL`), `/v3/lease/revoke` and `/v3/lease/keepalive` (`ID`).
    struct LeaseRequest: Encodable {
        var TTL: String?
        var ID: String?
    }

    struct LeaseGrantResponse: Decodable {
        var ID: JSONInt64?
        var error: String?
    }

    /// `lease/keepalive` is a stream: each answer is wrapped in `result` (an error in `error`).
    /// A `TTL` of 0 (left out) is etcd's answer for a lease that does not exist.
    struct KeepAliveMessage: Decodable {
        struct Result: Decodable {
            var TTL: JSONInt64?
        }
        var result: Result?
    }

    /// What the gateway answers for a failed call: the gRPC status `code` and its message.
    struct ErrorResponse: Decodable {
        var error: String?
        var message: String?
        var code: Int?
    }
}

/// An int64 as jsonpb writes it (a string), also read from a plain number.
struct JSONInt64: Decodable, Hashable {
    var value: Int64

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self), let number = Int64(text) {
            value = number
        } else {
            value = try container.decode(Int64.self)
        }
    }
}
