/// Contents of the files a 3.11 master carries, close to what openshift-ansible writes.
enum MasterFiles {
    static func masterConfig(etcdURLs: [String], host: SimHost) -> String {
        """
        admissionConfig:
          pluginConfig:
            BuildDefaults:
              configuration:
                apiVersion: v1
                env: []
                kind: BuildDefaultsConfig
                resources:
                  limits: {}
                  requests: {}
        aggregatorConfig:
          proxyClientInfo:
            certFile: aggregator-front-proxy.crt
            keyFile: aggregator-front-proxy.key
        apiLevels:
        - v1
        apiVersion: v1
        authConfig:
          requestHeader:
            clientCA: front-proxy-ca.crt
            clientCommonNames:
            - aggregator-front-proxy
        controllerConfig:
          election:
            lockName: openshift-master-controllers
          serviceServingCert:
            signer:
              certFile: service-signer.crt
              keyFile: service-signer.key
        controllers: '*'
        corsAllowedOrigins:
        - (?i)//127\\.0\\.0\\.1(:|\\z)
        - (?i)//localhost(:|\\z)
        - (?i)//\(host.ip.replacingOccurrences(of: ".", with: "\\."))(:|\\z)
        etcdClientInfo:
          ca: master.etcd-ca.crt
          certFile: master.etcd-client.crt
          keyFile: master.etcd-client.key
          urls:
        \(etcdURLs.map { "  - \($0)" }.joined(separator: "\n"))
        etcdStorageConfig:
          kubernetesStoragePrefix: kubernetes.io
          kubernetesStorageVersion: v1
          openShiftStoragePrefix: openshift.io
          openShiftStorageVersion: v1
        imageConfig:
          format: registry.redhat.io/openshift3/ose-${component}:${version}
          latest: false
        imagePolicyConfig:
          internalRegistryHostname: docker-registry.default.svc:5000
        kind: MasterConfig
        kubeletClientInfo:
          ca: ca-bundle.crt
          certFile: master.kubelet-client.crt
          keyFile: master.kubelet-client.key
          port: 10250
        kubernetesMasterConfig:
          apiServerArguments:
            storage-backend:
            - etcd3
            storage-media-type:
            - application/vnd.kubernetes.protobuf
          masterCount: 3
          masterIP: \(host.ip)
          servicesSubnet: 172.30.0.0/16
        masterClients:
          openshiftLoopbackKubeConfig: openshift-master.kubeconfig
        masterPublicURL: https://master.example.com:8443
        networkConfig:
          clusterNetworks:
          - cidr: 10.128.0.0/14
            hostSubnetLength: 9
          networkPluginName: redhat/openshift-ovs-subnet
          serviceNetworkCIDR: 172.30.0.0/16
        servingInfo:
          bindAddress: 0.0.0.0:8443
          bindNetwork: tcp4
          certFile: master.server.crt
          clientCA: ca.crt
          keyFile: master.server.key
          maxRequestsInFlight: 500
          requestTimeoutSeconds: 3600

        """
    }

    static func staticPod(_ component: String, host: SimHost) -> String {
        switch component {
        case "etcd":
            return """
            apiVersion: v1
            kind: Pod
            metadata:
              name: master-etcd
              namespace: kube-system
              labels:
                openshift.io/control-plane: "true"
                openshift.io/component: etcd
              annotations:
                scheduler.alpha.kubernetes.io/critical-pod: ''
            spec:
              restartPolicy: Always
              hostNetwork: true
              containers:
              - name: etcd
                image: registry.redhat.io/rhel7/etcd:3.2.22
                workingDir: /var/lib/etcd
                command: ["/bin/sh", "-c"]
                args:
                - |
                  #!/bin/sh
                  set -o allexport
                  source /etc/etcd/etcd.conf
                  exec etcd
                securityContext:
                  privileged: true
                volumeMounts:
                 - mountPath: /etc/etcd/
                   name: master-config
                   readOnly: true
                 - mountPath: /var/lib/etcd/
                   name: master-data
                livenessProbe:
                  exec:
                    command:
                    - etcdctl
                    - --cert-file
                    - /etc/etcd/peer.crt
                    - --key-file
                    - /etc/etcd/peer.key
                    - --ca-file
                    - /etc/etcd/ca.crt
                    - -C
                    - https://\(host.ip):2379
                    - cluster-health
              volumes:
              - name: master-config
                hostPath:
                  path: /etc/etcd/
              - name: master-data
                hostPath:
                  path: /var/lib/etcd

            """
        default:
            let name = component == "api" ? "api" : "controllers"
            let port = component == "api" ? 8443 : 8444
            return """
            apiVersion: v1
            kind: Pod
            metadata:
              name: master-\(name)
              namespace: kube-system
              labels:
                openshift.io/control-plane: "true"
                openshift.io/component: \(name)
            spec:
              restartPolicy: Always
              hostNetwork: true
              containers:
              - name: \(name)
                image: registry.redhat.io/openshift3/ose-control-plane:v3.11
                command: ["/bin/bash", "-c"]
                args:
                - |
                  #!/bin/bash
                  set -euo pipefail
                  if [[ -f /etc/origin/master/master.env ]]; then
                    set -o allexport
                    source /etc/origin/master/master.env
                  fi
                  exec openshift start master \(name) --config=/etc/origin/master/master-config.yaml --loglevel=${DEBUG_LOGLEVEL:-2}
                securityContext:
                  privileged: true
                volumeMounts:
                 - mountPath: /etc/origin/master/
                   name: master-config
                 - mountPath: /etc/origin/cloudprovider/
                   name: master-cloud-provider
                livenessProbe:
                  httpGet:
                    scheme: HTTPS
                    port: \(port)
                    path: healthz
              volumes:
              - name: master-config
                hostPath:
                  path: /etc/origin/master/
              - name: master-cloud-provider
                hostPath:
                  path: /etc/origin/cloudprovider

            """
        }
    }
}
