package dev.ferry.wire.seal;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The producers' keys a side trusts: a message must be signed by one of them. Several at once is how
 * a key is rotated: trust the new key beside the old, move the producer to the new one, and drop the
 * old once no message it signed is left on any queue.
 */
public final class TrustedKeys {

    /** No keys: messages are taken signed or not. */
    public static final TrustedKeys NONE = new TrustedKeys(Map.of());

    private final Map<String, TrustedKey> byId;

    private TrustedKeys(Map<String, TrustedKey> byId) {
        this.byId = byId;
    }

    public static TrustedKeys of(List<TrustedKey> keys) {
        Map<String, TrustedKey> byId = new LinkedHashMap<>();
        for (TrustedKey key : keys) {
            byId.put(key.id(), key);
        }
        return new TrustedKeys(Map.copyOf(byId));
    }

    /**
     * The keys in {@code files}, each a public key or a producer's key file.
     *
     * @throws KeyFileException naming the first file that is not one
     */
    public static TrustedKeys read(List<Path> files) throws KeyFileException {
        List<TrustedKey> keys = new java.util.ArrayList<>();
        for (Path file : files) {
            keys.add(TrustedKey.read(file));
        }
        return of(keys);
    }

    public boolean isEmpty() {
        return byId.isEmpty();
    }

    TrustedKey find(String id) {
        return byId.get(id);
    }

    /** "key 0123456789abcdef" or "keys 0123..., 4567...", for messages. */
    public String describe() {
        return (byId.size() == 1 ? "key " : "keys ") + byId.keySet().stream().sorted().collect(Collectors.joining(", "));
    }
}
