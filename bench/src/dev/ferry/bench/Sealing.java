package dev.ferry.bench;

import dev.ferry.wire.seal.EncryptionKey;
import dev.ferry.wire.seal.SigningKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How a Ferry run's messages travel (issue 20): as they are, signed by the producer, or signed and
 * encrypted. Scenarios 1 and 3 run all three, alternated in one run, so that what signing and
 * encryption cost is a ratio of medians measured side by side.
 *
 * @param label         the series' name: "Ferry", "Ferry, signed", "Ferry, signed + encrypted"
 * @param producerArgs  what the producer is given beyond its usual options
 * @param consumerArgs  what the consumer is given beyond its usual options
 */
record Sealing(String label, List<String> producerArgs, List<String> consumerArgs) {

    static final Sealing NONE = new Sealing("Ferry", List.of(), List.of());
    static final String SIGNED = "Ferry, signed";
    static final String ENCRYPTED = "Ferry, signed + encrypted";

    Sealing {
        producerArgs = List.copyOf(producerArgs);
        consumerArgs = List.copyOf(consumerArgs);
    }

    /** The three ways, with keys made in {@code keys} (a fresh directory), the plain one first. */
    static List<Sealing> all(Path keys) throws IOException {
        Files.createDirectories(keys);
        Path signing = keys.resolve("producer.key");
        Path trusted = keys.resolve("producer.key.pub");
        SigningKey.generate().write(signing, trusted);
        Path stream = keys.resolve("stream.key");
        EncryptionKey.generateInto(stream);
        List<String> sign = List.of("--signing-key", signing.toString());
        List<String> trust = List.of("--trust-producer", trusted.toString());
        List<String> encrypt = List.of("--encrypt-key", stream.toString());
        return List.of(NONE, new Sealing(SIGNED, sign, trust),
                new Sealing(ENCRYPTED, join(sign, encrypt), join(trust, encrypt)));
    }

    /** What the detail series of this way begin with: "Ferry: ", "Ferry, signed: ". */
    String prefix() {
        return label + ": ";
    }

    private static List<String> join(List<String> first, List<String> second) {
        List<String> both = new ArrayList<>(first);
        both.addAll(second);
        return both;
    }

    /**
     * What signing and encryption cost in {@code result}'s run, median against median of the plain
     * Ferry series measured beside them, as a sentence for its method; null when not all three ran.
     */
    static String costs(ScenarioResult result) {
        Series plain = result.baseline(NONE.label());
        Series signed = result.baseline(SIGNED);
        Series encrypted = result.baseline(ENCRYPTED);
        if (plain == null || signed == null || encrypted == null || plain.isEmpty() || signed.isEmpty()
                || encrypted.isEmpty()) {
            return null;
        }
        return String.format(java.util.Locale.ROOT, "In this run, signing cost %+.1f%% and signing + encryption "
                        + "%+.1f%% of Ferry's median time (%s, %s and %s).", 100 * (signed.median() / plain.median() - 1),
                100 * (encrypted.median() / plain.median() - 1), plain.unit().format(plain.median()),
                plain.unit().format(signed.median()), plain.unit().format(encrypted.median()));
    }
}
