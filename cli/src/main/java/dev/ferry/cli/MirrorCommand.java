package dev.ferry.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The mirrors of a stream: list them, remove one gone for good. */
@Command(name = "mirror",
        description = {"List the mirrors of the queue, or remove one.",
                "Every mirror has a queue of its own on the broker, Consumer.<mirror>.VirtualTopic.<queue>, and a "
                        + "dead-letter queue. List shows each mirror, what waits for it and what it is doing; "
                        + "remove deletes a mirror's queues for good."},
        subcommands = {MirrorListCommand.class, MirrorRemoveCommand.class},
        footerHeading = "%nExample:%n",
        footer = {"  ferry mirror list", "  ferry mirror remove offsite"})
final class MirrorCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing command: list or remove");
    }
}
