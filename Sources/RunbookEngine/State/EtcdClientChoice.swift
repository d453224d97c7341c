import Foundation

extension EtcdStateConfig {
    /// The client a store is reached with. Plain `http://` members: `EtcdHTTPClient` (one
    /// kept-alive connection to etcd's JSON gateway). TLS members: `EtcdCtl`, an `etcdctl`
    /// process per call, because the gateway client has no TLS (docs/team.md says what that
    /// costs). `RUNBOOK_ETCD_CLIENT=etcdctl` forces `EtcdCtl`, for comparisons and the bench.
    /// - Parameter fileCap: the bytes of files a run may keep in the store (sizes the answer cap).
    public func makeClient(fileCap: Int, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> any EtcdClient {
        if options.usesTLS || environment["RUNBOOK_ETCD_CLIENT"] == "etcdctl" { return EtcdCtl(config: self) }
        return EtcdHTTPClient(config: self, responseCap: EtcdHTTPClient.responseCap(forFileCap: fileCap))
    }
}
