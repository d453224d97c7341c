/// Writes the initial file tree of every host, consistent with a fresh `ClusterState`.
enum HostFiles {
    static func write(_ state: ClusterState, simDirectory: String) throws(SimError) {
        let masters = state.groups["masters"] ?? []
        let etcdURLs = masters.map { "https://\($0):2379" }
        let initialCluster = state.etcdMembers.map { "\($0.name)=\($0.peerURL)" }.joined(separator: ",")
        for host in state.hosts {
            let tree = HostTree(simDirectory: simDirectory, host: host.name)
            try tree.makeDirectory("/tmp")
            try tree.makeDirectory("/backup")
            try tree.makeDirectory("/var/lib/etcd")
            try tree.write("/etc/hostname", host.name + "\n")
            try tree.write("/proc/sys/kernel/random/entropy_avail", "2683\n")   // the guide's 2.2 example value
            try tree.write("/etc/sysconfig/flanneld", flanneld(etcdURLs))
            try tree.write("/etc/pki/ca-trust/source/anchors/README", "# extra CA certificates\n")
            try CaTrustTool.extract(tree)
            if let storage = host.storage {
                try tree.write("/etc/sysconfig/docker-storage-setup", storageSetup(storage))
                try tree.write("/etc/sysconfig/docker-storage", dockerStorage(storage))
            }
            try tree.write("/etc/sysconfig/docker", "OPTIONS=' --selinux-enabled --signature-verification=False'\n")
            try RegistriesConf.writeInitial(tree)
            try tree.write("/etc/sysconfig/iptables", "*filter\n:INPUT ACCEPT [0:0]\n:OS_FIREWALL_ALLOW - [0:0]\n-A INPUT -j OS_FIREWALL_ALLOW\nCOMMIT\n")
            // The live rules: openshift-ansible's os_firewall role made the chain on every host.
            try tree.write("/etc/sysconfig/iptables.sim", ":OS_FIREWALL_ALLOW - [0:0]\n-A INPUT -j OS_FIREWALL_ALLOW\n")
            try tree.write("/etc/sysconfig/docker-network", "DOCKER_NETWORK_OPTIONS=' --mtu=1450'\n")
            if state.node(host.name) != nil {
                try tree.makeDirectory("/etc/origin/node/pods")
                try tree.write("/etc/origin/node/node-config.yaml", nodeConfig(host))
                try tree.write("/etc/origin/node/ca.crt", EtcdFiles.pem("CERTIFICATE", "openshift-signer"))
                try tree.write("/etc/sysconfig/atomic-openshift-node", "DEBUG_LOGLEVEL=2\n")
                try tree.write("/etc/cni/net.d/80-openshift-network.conf",
                               "{\n  \"cniVersion\": \"0.2.0\",\n  \"name\": \"openshift-sdn\",\n  \"type\": \"openshift-sdn\"\n}\n")
                try tree.write("/etc/dnsmasq.conf", "conf-dir=/etc/dnsmasq.d\n")
                try tree.write("/etc/dnsmasq.d/origin-dns.conf", "no-resolv\ndomain-needed\nserver=/cluster.local/172.30.0.1\n")
            }
            if masters.contains(host.name) {
                try writeMaster(host, tree: tree, etcdURLs: etcdURLs, initialCluster: initialCluster,
                                first: host.name == masters.first, masters: masters)
            }
            if (state.groups["lb"] ?? []).contains(host.name) {
                try tree.write("/etc/haproxy/haproxy.cfg", Haproxy.config(masters: masters.compactMap(state.host)))
            }
            if host.name == masters.first {
                try tree.write("/etc/ansible/hosts", AnsibleInventory.ini(state.groups))
                try tree.makeDirectory("/usr/share/ansible/openshift-ansible/playbooks/openshift-etcd")
                try tree.write("/usr/share/ansible/openshift-ansible/playbooks/openshift-etcd/scaleup.yml",
                               "---\n- import_playbook: ../init/main.yml\n- import_playbook: private/scaleup.yml\n")
            }
        }
    }

    static func writeMaster(_ host: SimHost, tree: HostTree, etcdURLs: [String], initialCluster: String,
                            first: Bool, masters: [String]) throws(SimError) {
        try tree.write("/etc/origin/master/master-config.yaml", MasterFiles.masterConfig(etcdURLs: etcdURLs, host: host))
        for component in ["api", "controllers", "etcd"] {
            try tree.write(HostTree.manifest(component), MasterFiles.staticPod(component, host: host))
        }
        try tree.write("/etc/origin/master/master.env", "DEBUG_LOGLEVEL=2\n")
        for f in ["ca.crt", "ca-bundle.crt", "master.server.crt", "master.etcd-client.crt", "master.etcd-ca.crt",
                  "front-proxy-ca.crt", "service-signer.crt"] {
            try tree.write("/etc/origin/master/" + f, EtcdFiles.pem("CERTIFICATE", f))
        }
        for f in ["ca.key", "master.server.key", "master.etcd-client.key", "service-signer.key"] {
            try tree.write("/etc/origin/master/" + f, EtcdFiles.pem("RSA PRIVATE KEY", f))
        }
        try tree.write("/etc/etcd/etcd.conf", EtcdFiles.conf(name: host.name, ip: host.ip,
                                                             initialCluster: initialCluster, state: "new"))
        for f in ["ca.crt", "peer.crt", "server.crt"] { try tree.write("/etc/etcd/" + f, EtcdFiles.pem("CERTIFICATE", f)) }
        for f in ["peer.key", "server.key"] { try tree.write("/etc/etcd/" + f, EtcdFiles.pem("RSA PRIVATE KEY", f)) }
        try tree.makeDirectory("/var/lib/etcd/member/snap")
        try tree.write("/var/lib/etcd/member/snap/db", "simulated etcd database of \(host.name)\n")
        if first {
            try tree.write("/etc/origin/master/ca.serial.txt", "0B\n")
            try tree.write("/etc/etcd/ca/ca.crt", EtcdFiles.pem("CERTIFICATE", "etcd-signer"))
            try tree.write("/etc/etcd/ca/ca.key", EtcdFiles.pem("RSA PRIVATE KEY", "etcd-signer"))
            try tree.write("/etc/etcd/ca/serial", "0A\n")
            // openssl ca's database (openshift-ansible's etcd_ca_db): one line per signed certificate.
            try tree.write("/etc/etcd/ca/index.txt", masters.enumerated().flatMap { i, m in
                ["server", "peer"].enumerated().map { k, _ in
                    "V\t310101000000Z\t\t\(String(format: "%02X", i * 2 + k + 1))\tunknown\t/CN=\(m)\n"
                }
            }.joined())
            try tree.write("/etc/etcd/ca/openssl.cnf", "[ etcd_v3_ca_peer ]\nsubjectAltName = ${ENV::SAN}\n")
            try tree.makeDirectory("/etc/etcd/generated_certs")
        }
    }

    static func flanneld(_ urls: [String]) -> String {
        """
        # Flanneld configuration options
        FLANNEL_ETCD_ENDPOINTS=\(urls.joined(separator: ","))
        FLANNEL_ETCD_PREFIX=/openshift.com/network
        FLANNEL_ETCD_KEY=/openshift.com/network/config
        FLANNEL_OPTIONS="-etcd-cafile=/etc/origin/master/master.etcd-ca.crt -etcd-certfile=/etc/origin/master/master.etcd-client.crt -etcd-keyfile=/etc/origin/master/master.etcd-client.key"

        """
    }

    static func storageSetup(_ s: DockerStorage) -> String {
        let devs = s.physicalVolumes.keys.sorted().map { $0.hasSuffix("1") ? String($0.dropLast()) : $0 }
        return """
        # Edit this file to override any configuration options specified in
        # /usr/share/container-storage-setup/container-storage-setup.
        STORAGE_DRIVER=\(s.driver)
        DEVS="\(devs.joined(separator: " "))"
        VG=\(s.volumeGroup)
        CONTAINER_ROOT_LV_NAME=\(s.logicalVolume)
        CONTAINER_ROOT_LV_MOUNT_PATH=/var/lib/docker

        """
    }

    static func dockerStorage(_ s: DockerStorage) -> String {
        s.driver == "overlay2"
            ? "DOCKER_STORAGE_OPTIONS='--storage-driver overlay2'\n"
            : "DOCKER_STORAGE_OPTIONS='--storage-driver devicemapper --storage-opt dm.fs=xfs --storage-opt dm.thinpooldev=\(s.mapperPath) --storage-opt dm.use_deferred_removal=true'\n"
    }

    static func nodeConfig(_ host: SimHost) -> String {
        """
        apiVersion: v1
        kind: NodeConfig
        nodeName: \(host.name)
        nodeIP: \(host.ip)
        masterKubeConfig: node.kubeconfig
        networkConfig:
          mtu: 1450
          networkPluginName: redhat/openshift-ovs-subnet
        servingInfo:
          bindAddress: 0.0.0.0:10250
        staticPodPath: /etc/origin/node/pods

        """
    }
}
