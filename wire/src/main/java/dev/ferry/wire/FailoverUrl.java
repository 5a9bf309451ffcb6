package dev.ferry.wire;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.activemq.util.URISupport;
import org.apache.activemq.util.URISupport.CompositeData;

/**
 * The options Ferry gives a {@code failover:} URL its user left unset, so that a list of brokers
 * (a standby pair) is a list of addresses tried in order each time Ferry connects, and otherwise
 * behaves like one broker does everywhere else in Ferry.
 *
 * <ul>
 *   <li>{@code randomize=false}: the brokers are tried in the order given (ActiveMQ shuffles them).</li>
 *   <li>{@code startupMaxReconnectAttempts=0}: a connection tries each broker once and fails when
 *       none answers (ActiveMQ's default tries for ever), so "no broker at start: exit 1" holds for a
 *       pair too.</li>
 *   <li>{@code maxReconnectAttempts=0}: a connection that loses its broker fails, and Ferry's own
 *       reconnect loops (backoff, "lost the broker", redelivery, the ledger) connect again, to
 *       whichever broker answers. ActiveMQ's own failover would replay the connection instead, and
 *       its replay of a consumer's deliveries in flight made the broker that took over deliver them
 *       again to a client that had seen them: the client "poison-acked" them ("Suppressing duplicate
 *       delivery on connection") and they were dead-lettered, in 2 of 9 runs of the end-to-end
 *       StandbyTakeoverTest.</li>
 * </ul>
 * Every other URL is left as it is.
 */
public final class FailoverUrl {

    private static final String SCHEME = "failover";
    /** In a fixed order (Map.of's varies from run to run), so that the URL a log line shows does not. */
    private static final List<Map.Entry<String, String>> DEFAULTS = List.of(
            Map.entry("randomize", "false"),
            Map.entry("startupMaxReconnectAttempts", "0"),
            Map.entry("maxReconnectAttempts", "0"));

    private FailoverUrl() {
    }

    /** Whether {@code url} lists brokers to fail over between. */
    public static boolean isFailover(String url) {
        return url.toLowerCase(Locale.ROOT).startsWith(SCHEME + ":");
    }

    /**
     * The brokers {@code url} names: those of a {@code failover:} URL, in order, else {@code url} alone.
     *
     * @throws URISyntaxException when a failover URL cannot be parsed
     */
    public static URI[] brokersOf(URI url) throws URISyntaxException {
        return isFailover(url.toString()) ? URISupport.parseComposite(url).getComponents() : new URI[] {url};
    }

    /** {@code scheme:(a,b,...)}: a composite URL of {@code brokers}, without options. */
    public static String listing(String scheme, URI[] brokers) {
        StringBuilder listed = new StringBuilder(scheme).append(":(");
        for (int i = 0; i < brokers.length; i++) {
            listed.append(i == 0 ? "" : ",").append(brokers[i]);
        }
        return listed.append(')').toString();
    }

    /**
     * {@code url} with Ferry's defaults for the options its user did not give, when it is a
     * {@code failover:} URL; otherwise {@code url} itself.
     *
     * @throws IllegalArgumentException when a failover URL cannot be parsed, with the URL in the message
     */
    public static String withDefaults(String url) {
        if (!isFailover(url)) {
            return url;
        }
        try {
            CompositeData composite = URISupport.parseComposite(new URI(url));
            Map<String, String> options = new LinkedHashMap<>(composite.getParameters());
            DEFAULTS.forEach(option -> options.putIfAbsent(option.getKey(), option.getValue()));
            return listing(SCHEME, composite.getComponents()) + "?" + URISupport.createQueryString(options);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a valid failover URL: " + url + " (" + e.getReason() + ")", e);
        }
    }
}
