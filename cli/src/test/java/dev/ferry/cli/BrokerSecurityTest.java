package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.broker.BrokerOptions;
import dev.ferry.broker.BrokerUser;
import dev.ferry.broker.BrokerUser.Role;
import dev.ferry.broker.EmbeddedBroker;
import dev.ferry.consumer.Consumer;
import dev.ferry.consumer.ConsumerSettings;
import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.WireFormat;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import org.apache.activemq.broker.BrokerPlugin;
import org.apache.activemq.broker.BrokerService;
import org.apache.activemq.broker.SslContext;
import org.apache.activemq.broker.TransportConnector;
import org.apache.activemq.plugin.StatisticsBrokerPlugin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Logins, rights and TLS as the user meets them: one line naming the broker and the cause. */
class BrokerSecurityTest {

    private static final String QUEUE = WireFormat.DEFAULT_QUEUE;
    private static final BrokerUser PRODUCER = new BrokerUser("ferry-producer", "p-secret", Role.PRODUCER);
    private static final BrokerUser CONSUMER = new BrokerUser("ferry-consumer", "c-secret", Role.CONSUMER);
    private static final BrokerUser OFFSITE = BrokerUser.consumerOf("offsite", "ferry-offsite", "o-secret");
    private static final String STORE_PASSWORD = "changeit";

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void aClientWithoutAPasswordIsToldToSetOne() throws Exception {
        try (EmbeddedBroker broker = brokerWithRoles()) {
            assertThat(ferry("status", "--broker", broker.connectUrl())).isEqualTo(1);
            assertThat(err.toString()).isEqualTo("ferry: broker " + broker.connectUrl()
                    + " refused the login for an anonymous client: User name [null] or password is invalid."
                    + " (give --broker-user and --broker-password, or FERRY_BROKER_USER and FERRY_BROKER_PASSWORD)" + System.lineSeparator());
        }
    }

    @Test
    void aWrongPasswordNamesTheBrokerAndTheUser() throws Exception {
        try (EmbeddedBroker broker = brokerWithRoles()) {
            BrokerEndpoint wrong = new BrokerEndpoint(broker.connectUrl(), CONSUMER.name(), "guess");
            assertThat(failureOf(wrong)).isEqualTo("broker " + broker.connectUrl()
                    + " refused the login for user ferry-consumer: User name [ferry-consumer] or password is invalid.");
        }
    }

    @Test
    void theProducersUserReadingTheQueueIsToldItMayNot() throws Exception {
        try (EmbeddedBroker broker = brokerWithRoles()) {
            BrokerEndpoint producer = new BrokerEndpoint(broker.connectUrl(), PRODUCER.name(), PRODUCER.password());
            assertThat(failureOf(producer))
                    .isEqualTo("user ferry-producer may not read queue Consumer.default.VirtualTopic.ferry.changes on broker "
                            + broker.connectUrl());
        }
    }

    @Test
    void theUserOfAnotherMirrorIsToldItMayNotReadThisMirrorsQueue() throws Exception {
        try (EmbeddedBroker broker = brokerWithRoles()) {
            BrokerEndpoint offsite = new BrokerEndpoint(broker.connectUrl(), OFFSITE.name(), OFFSITE.password());
            assertThat(failureOf(offsite)).isEqualTo("user ferry-offsite may not read queue "
                    + "Consumer.default.VirtualTopic.ferry.changes on broker " + broker.connectUrl());
            BrokerContact.call(offsite, () -> Consumer.open(ConsumerSettings.defaults(dir.resolve("offsite"), QUEUE)
                    .withMirror("offsite"), offsite)).close();
        }
    }

    @Test
    void theConsumersUserGetsIn() throws Exception {
        try (EmbeddedBroker broker = brokerWithRoles()) {
            BrokerEndpoint consumer = new BrokerEndpoint(broker.connectUrl(), CONSUMER.name(), CONSUMER.password());
            BrokerContact.call(consumer, () -> openConsumer(consumer)).close();
        }
    }

    @Test
    void statusWorksOverTlsWithTheTrustStoreOfTheFlags() throws Exception {
        Path keyStore = certificate("broker", "SAN=ip:127.0.0.1,dns:localhost");
        Path trustStore = trustStoreOf(keyStore, "trust.p12");

        BrokerService broker = tlsBroker(keyStore);
        try {
            String url = "ssl://127.0.0.1:" + broker.getTransportConnectors().get(0).getConnectUri().getPort();
            assertThat(ferry("status", "--broker", url, "--trust-store", trustStore.toString(),
                    "--trust-store-password", STORE_PASSWORD)).as(err.toString()).isZero();
            assertThat(out.toString()).contains("queue ferry.changes on " + url, "messages waiting: 0");

            // Several times: now and then the client only sees a closed socket, not the handshake's error.
            for (int attempt = 1; attempt <= 5; attempt++) {
                err.getBuffer().setLength(0);
                assertThat(ferry("status", "--broker", url)).as("without the trust store").isEqualTo(1);
                assertThat(err.toString()).as("attempt %d", attempt).hasLineCount(1)
                        .startsWith("ferry: cannot connect to broker " + url + " over TLS: ")
                        .contains("the broker's certificate is not trusted by the JVM's default trust store",
                                "--trust-store");
            }
        } finally {
            broker.stop();
            broker.waitUntilStopped();
        }
    }

    @Test
    void aTrustStoreWithoutTheBrokersCertificateIsNamed() throws Exception {
        Path keyStore = certificate("broker", "SAN=ip:127.0.0.1,dns:localhost");
        Path otherTrustStore = trustStoreOf(certificate("other", "SAN=ip:127.0.0.1"), "other-trust.p12");

        assertThat(statusFailureOverTls(keyStore, otherTrustStore))
                .contains("the trust store " + otherTrustStore + " holds neither it nor its issuer");
    }

    @Test
    void aCertificateForAnotherHostIsToldApart() throws Exception {
        Path keyStore = certificate("broker", "SAN=dns:broker.example");

        assertThat(statusFailureOverTls(keyStore, trustStoreOf(keyStore, "trust.p12")))
                .contains("the broker's certificate is not issued for the host in ssl://127.0.0.1:");
    }

    /** The one line `ferry status` fails with against a broker with {@code keyStore}'s key, trusting {@code trustStore}. */
    private String statusFailureOverTls(Path keyStore, Path trustStore) throws Exception {
        BrokerService broker = tlsBroker(keyStore);
        try {
            String url = "ssl://127.0.0.1:" + broker.getTransportConnectors().get(0).getConnectUri().getPort();
            assertThat(ferry("status", "--broker", url, "--trust-store", trustStore.toString(),
                    "--trust-store-password", STORE_PASSWORD)).isEqualTo(1);
            assertThat(err.toString()).hasLineCount(1).startsWith("ferry: cannot connect to broker " + url + " over TLS: ");
            return err.toString();
        } finally {
            broker.stop();
            broker.waitUntilStopped();
        }
    }

    @Test
    void theTrustStoreAndTheLoginComeFromTheEnvironmentWhenNoFlagNamesThem() {
        BrokerEndpoint endpoint = endpointOf(Map.of("FERRY_TRUST_STORE", "/etc/ferry/trust.p12",
                "FERRY_TRUST_STORE_PASSWORD", "pw", "FERRY_BROKER_USER", "ferry-consumer",
                "FERRY_BROKER_PASSWORD", "c-secret", "FERRY_BROKER_URL", "ssl://host:61617"), "status");
        assertThat(endpoint.url()).isEqualTo("ssl://host:61617");
        assertThat(endpoint.user()).isEqualTo("ferry-consumer");
        assertThat(endpoint.password()).isEqualTo("c-secret");
        assertThat(endpoint.tls().trustStore()).isEqualTo(Path.of("/etc/ferry/trust.p12"));
        assertThat(endpoint.tls().trustStorePassword()).isEqualTo("pw");
        assertThat(endpoint.tls().toString()).doesNotContain("pw");
        assertThat(endpointOf(Map.of(), "status").tls()).isNull();
    }

    @Test
    void aKeyStoreWithoutATrustStoreIsRefused() {
        StatusCommand status = (StatusCommand) Ferry.commandLine(Map.of())
                .parseArgs("status", "--key-store", "/etc/ferry/me.p12").subcommand().commandSpec().userObject();
        assertThatThrownBy(() -> status.connection.endpoint()).hasMessageContaining("without a trust store");
    }

    /** The endpoint `ferry <args>` would connect to in {@code environment}. */
    private static BrokerEndpoint endpointOf(Map<String, String> environment, String... args) {
        StatusCommand status = (StatusCommand) Ferry.commandLine(environment).parseArgs(args).subcommand()
                .commandSpec().userObject();
        return status.connection.endpoint();
    }

    private EmbeddedBroker brokerWithRoles() throws IOException {
        return EmbeddedBroker.start(BrokerOptions.defaults(dir.resolve("broker"))
                .withListen(URI.create("tcp://127.0.0.1:0")).withUsers(PRODUCER, CONSUMER, OFFSITE));
    }

    /** What the user reads when `ferry consumer` opens with {@code endpoint}. */
    private String failureOf(BrokerEndpoint endpoint) {
        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(
                () -> BrokerContact.call(endpoint, () -> openConsumer(endpoint)).close());
        assertThat(failure).isNotNull();
        return ErrorReporter.describe(failure);
    }

    private Consumer openConsumer(BrokerEndpoint endpoint) throws Exception {
        Path destination = Files.createDirectories(dir.resolve("destination"));
        return Consumer.open(ConsumerSettings.defaults(destination, QUEUE), endpoint);
    }

    private int ferry(String... args) {
        CommandLine commandLine = Ferry.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    /** A bare broker with an ssl:// connector on a free port and the statistics plugin `ferry status` asks. */
    private static BrokerService tlsBroker(Path keyStore) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(keyStore.toFile())) {
            keys.load(in, STORE_PASSWORD.toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, STORE_PASSWORD.toCharArray());
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init((KeyStore) null);

        BrokerService broker = new BrokerService();
        broker.setBrokerName("ferry-tls-test");
        broker.setPersistent(false);
        broker.setUseJmx(false);
        broker.setUseShutdownHook(false);
        broker.setPlugins(new BrokerPlugin[] {new StatisticsBrokerPlugin()});
        broker.setSslContext(new SslContext(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null));
        TransportConnector connector = broker.addConnector("ssl://127.0.0.1:0");
        broker.start();
        broker.waitUntilStarted();
        assertThat(connector.getConnectUri()).isNotNull();
        return broker;
    }

    /** A new PKCS12 key store with a self-signed certificate for {@code names} (a keytool -ext SAN=...). */
    private Path certificate(String alias, String names) throws Exception {
        Path keyStore = dir.resolve(alias + ".p12");
        keytool("-genkeypair", "-alias", alias, "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=" + alias, "-ext", names,
                "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", STORE_PASSWORD);
        return keyStore;
    }

    /** A trust store, named {@code name}, holding the certificate of the only key in {@code keyStore}. */
    private Path trustStoreOf(Path keyStore, String name) throws Exception {
        String alias = keyStore.getFileName().toString().replace(".p12", "");
        Path certificate = dir.resolve(alias + ".crt");
        keytool("-exportcert", "-alias", alias, "-keystore", keyStore.toString(), "-storepass", STORE_PASSWORD,
                "-file", certificate.toString());
        Path trustStore = dir.resolve(name);
        keytool("-importcert", "-noprompt", "-alias", alias, "-file", certificate.toString(),
                "-storetype", "PKCS12", "-keystore", trustStore.toString(), "-storepass", STORE_PASSWORD);
        return trustStore;
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
        assertThat(process.exitValue()).as("keytool %s%n%s", command, output).isZero();
    }
}
