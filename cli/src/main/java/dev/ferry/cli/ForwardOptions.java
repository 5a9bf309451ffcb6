package dev.ferry.cli;

import dev.ferry.broker.Forward;
import dev.ferry.wire.TlsStores;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** Where {@code ferry broker} forwards mirrors' messages to, and how it logs in there. */
final class ForwardOptions {

    /**
     * Commas separate brokers, except inside the parentheses of a failover URL; a config file's list
     * is joined with line breaks.
     */
    private static final String BETWEEN_BROKERS = ",(?![^(]*\\))|\\n";

    @Option(names = "--forward-to", paramLabel = "URI", split = BETWEEN_BROKERS,
            description = "Forward the messages of mirrors consumed at another site to the broker at URI "
                    + "(tcp://, ssl://, or failover:(...) for a standby pair there), storing them here while "
                    + "the link is down. Repeatable.")
    List<String> to = new ArrayList<>();

    @Option(names = "--forward-user", paramLabel = "USER",
            description = "The link logs in as USER at both ends (default: --broker-user): an admin at the "
                    + "broker forwarded to, admitted here as an admin too.")
    String user;

    @Option(names = "--forward-password", paramLabel = "PASSWORD",
            description = "USER's password there; better in FERRY_FORWARD_PASSWORD or a config file.")
    String password;

    @Option(names = "--forward-trust-store", paramLabel = "FILE",
            description = "For ssl:// links: the broker certificates (or their issuers) to trust, PKCS12 or JKS.")
    Path trustStore;

    @Option(names = "--forward-trust-store-password", paramLabel = "PASSWORD",
            description = "The forward trust store's password.")
    String trustStorePassword;

    @Option(names = "--forward-key-store", paramLabel = "FILE",
            description = "For ssl:// links to brokers that ask for one: this broker's key and certificate.")
    Path keyStore;

    @Option(names = "--forward-key-store-password", paramLabel = "PASSWORD",
            description = "The forward key store's password.")
    String keyStorePassword;

    /** The forwards given, each with the same login and TLS stores. */
    List<Forward> forwards(CommandLine commandLine) {
        if (to.isEmpty()) {
            return List.of();
        }
        if (keyStore != null && trustStore == null) {
            throw new ParameterException(commandLine, "--forward-key-store needs --forward-trust-store");
        }
        TlsStores tls = trustStore == null ? null
                : new TlsStores(trustStore, trustStorePassword, keyStore, keyStorePassword);
        List<Forward> forwards = new ArrayList<>();
        for (String target : to) {
            try {
                forwards.add(new Forward(new URI(target.trim()), user, password, tls));
            } catch (URISyntaxException | IllegalArgumentException e) {
                throw new ParameterException(commandLine, "--forward-to " + target + ": "
                        + (e instanceof URISyntaxException bad ? bad.getReason() : e.getMessage()));
            }
        }
        return forwards;
    }
}
