package dev.ferry.cli;

import dev.ferry.monitor.StatusProbe;
import dev.ferry.wire.seal.Seal;
import dev.ferry.monitor.StatusReport;
import dev.ferry.wire.BrokerEndpoint;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** How the queue is doing, and the producers and consumers that use it. */
@Command(name = "status",
        description = {"Show how the queue is doing, and its producers and consumers.",
                "Prints, for the queue and its dead-letter queue, the messages waiting, the consumers attached and "
                        + "the age of the oldest message; then, for each producer and consumer that sent a heartbeat, "
                        + "when it was last seen, the change it published or applied last, and a consumer's lag."},
        footerHeading = "%nExample:%n",
        footer = {"  ferry status --broker tcp://nas.local:61616",
                "  ferry status --json | jq '.queue.waiting'"})
final class StatusCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    EncryptKeyOption encryptKey;

    @Option(names = "--json", fallbackValue = "true", description = "Print the same as JSON, for scripts.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        // On an encrypted stream the processes' last paths travel encrypted: shown with the key only.
        Seal seal = encryptKey.viewer(spec, connection.queue()); // read before anything is asked
        BrokerEndpoint endpoint = connection.endpoint();
        StatusReport report = BrokerContact.call(endpoint,
                () -> StatusProbe.probe(endpoint, connection.queue(), Clock.systemUTC()));
        if (report.processes() != null) {
            report = report.withProcesses(report.processes().stream()
                    .map(beat -> beat.withLastPath(path -> seal.reveal(path, Seal.HEARTBEAT_PATH))).toList());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(StatusJson.of(report));
        } else {
            StatusText.print(report, out);
        }
        out.flush();
        return 0;
    }
}
