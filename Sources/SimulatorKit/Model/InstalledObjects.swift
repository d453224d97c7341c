import Foundation

/// The stored API objects a fresh cluster has: openshift-ansible release-3.11's metrics route
/// (`roles/openshift_metrics`, `templates/route.j2`: reencrypt to the hawkular-metrics service with
/// the hawkular CA as the destination CA, no certificate of its own, so the router's self-signed
/// wildcard is served) and the `hawkular-metrics-certs` secret the metrics deployer made.
public enum InstalledObjects {
    /// The objects in store order (what `ClusterState.objects == nil` stands for).
    public static let all: [SimObject] = [
        OcStore.object(OcRoutes.body(name: "hawkular-metrics", namespace: "openshift-infra", host: "hawkular-metrics.apps.example.com",
                                     service: "hawkular-metrics", termination: "reencrypt",
                                     tls: ["destinationCACertificate": MetricsCertificates.hawkularCA])),
        OcStore.object(OcSecrets.body(name: "hawkular-metrics-certs", namespace: "openshift-infra", type: "kubernetes.io/tls",
                                      data: ["ca.crt": MetricsCertificates.hawkularCA, "tls.crt": MetricsCertificates.tlsCert,
                                             "tls.key": MetricsCertificates.tlsKey])),
    ]
}

/// The self-signed certificates the metrics deployer made (`hawkular-metrics-certs` in openshift-infra).
public enum MetricsCertificates {
    /// A stand-in PEM for the hawkular CA (`ca.crt` of the secret): not a parsable certificate.
    public static let hawkularCA = "-----BEGIN CERTIFICATE-----\nc2ltdWxhdGVkIGhhd2t1bGFyLW1ldHJpY3MgQ0EgKG1ldHJpY3Mtc2lnbmVyKQ==\n-----END CERTIFICATE-----\n"
    static let tlsCert = "-----BEGIN CERTIFICATE-----\nc2ltdWxhdGVkIGhhd2t1bGFyLW1ldHJpY3Mgc2VydmluZyBjZXJ0aWZpY2F0ZQ==\n-----END CERTIFICATE-----\n"
    static let tlsKey = "-----BEGIN PRIVATE KEY-----\nc2ltdWxhdGVkIGhhd2t1bGFyLW1ldHJpY3Mgc2VydmluZyBrZXk=\n-----END PRIVATE KEY-----\n"
}
