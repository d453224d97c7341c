/// `/etc/etcd/etcd.conf` as openshift-ansible writes it.
enum EtcdFiles {
    static func conf(name: String, ip: String, initialCluster: String, state: String) -> String {
        """
        ETCD_NAME=\(name)
        ETCD_LISTEN_PEER_URLS=https://\(ip):2380
        ETCD_DATA_DIR=/var/lib/etcd/
        #ETCD_WAL_DIR=
        #ETCD_SNAPSHOT_COUNT=10000
        ETCD_HEARTBEAT_INTERVAL=500
        ETCD_ELECTION_TIMEOUT=2500
        ETCD_LISTEN_CLIENT_URLS=https://\(ip):2379
        #ETCD_MAX_SNAPSHOTS=5
        #ETCD_MAX_WALS=5
        #ETCD_CORS=

        #[cluster]
        ETCD_INITIAL_ADVERTISE_PEER_URLS=https://\(ip):2380
        ETCD_INITIAL_CLUSTER=\(initialCluster)
        ETCD_INITIAL_CLUSTER_STATE=\(state)
        ETCD_INITIAL_CLUSTER_TOKEN=etcd-cluster-1
        #ETCD_DISCOVERY=
        #ETCD_DISCOVERY_SRV=
        #ETCD_DISCOVERY_FALLBACK=proxy
        #ETCD_DISCOVERY_PROXY=
        ETCD_ADVERTISE_CLIENT_URLS=https://\(ip):2379
        #ETCD_STRICT_RECONFIG_CHECK=false
        #ETCD_AUTO_COMPACTION_RETENTION=0
        #ETCD_ENABLE_V2=true
        ETCD_QUOTA_BACKEND_BYTES=4294967296

        #[proxy]
        #ETCD_PROXY=off

        #[security]
        ETCD_TRUSTED_CA_FILE=/etc/etcd/ca.crt
        ETCD_CLIENT_CERT_AUTH=true
        ETCD_CERT_FILE=/etc/etcd/server.crt
        ETCD_KEY_FILE=/etc/etcd/server.key
        #ETCD_AUTO_TLS=false
        ETCD_PEER_TRUSTED_CA_FILE=/etc/etcd/ca.crt
        ETCD_PEER_CLIENT_CERT_AUTH=true
        ETCD_PEER_CERT_FILE=/etc/etcd/peer.crt
        ETCD_PEER_KEY_FILE=/etc/etcd/peer.key
        #ETCD_PEER_AUTO_TLS=false

        #[logging]
        ETCD_DEBUG=False

        """
    }

    /// - Parameter issuer: the subject of the CA that signed it (`openssl ca`); nil for a
    ///   self-signed certificate, a key or a request.
    static func pem(_ label: String, _ subject: String, issuer: String? = nil) -> String {
        "-----BEGIN \(label)-----\n# simulated: \(subject)\n" + (issuer.map { "# issuer: \($0)\n" } ?? "")
            + "MIIC+zCCAeOgAwIBAgIBATANBgkqhkiG9w0BAQsFADAVMRMwEQYDVQQDDAplemNh\n-----END \(label)-----\n"
    }
}
