package dev.ferry.cli;

import dev.ferry.wire.WireFormat;
import picocli.CommandLine.Option;

/** The option of the commands that act for one mirror: the consumer, and the dead-letter commands. */
final class MirrorOption {

    @Option(names = "--mirror", paramLabel = "NAME", defaultValue = WireFormat.DEFAULT_MIRROR,
            converter = MirrorName.class,
            description = "The mirror (default: ${DEFAULT-VALUE}): every mirror receives every change, on a queue "
                    + "of its own, Consumer.NAME.VirtualTopic.<queue>. NAME: letters, digits, '-' and '_'.")
    String name;

    String name() {
        return name;
    }

    /** The queue of this mirror of the stream {@code queue}. */
    String queueOf(String queue) {
        return WireFormat.mirrorQueueOf(name, queue);
    }
}
