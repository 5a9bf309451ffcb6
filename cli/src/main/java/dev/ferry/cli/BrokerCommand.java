package dev.ferry.cli;

import dev.ferry.broker.BrokerOptions;
import dev.ferry.broker.EmbeddedBroker;
import dev.ferry.broker.StandbyBroker;
import dev.ferry.cli.systemd.ServiceNotifier;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** A standalone persistent broker until Ctrl-C. */
@Command(name = "broker",
        description = {"Run a standalone persistent broker until Ctrl-C.",
                "Prints \"broker listening on URL\" once it accepts connections. With --broker-user "
                        + "(or FERRY_BROKER_USER), only that user, with its password, may connect.",
                "A second broker given the same --data (a shared file system) waits as a standby, says "
                        + "\"broker standing by\" once, and takes over when the active one stops or dies."},
        footerHeading = "%nExample:%n",
        footer = {"  ferry broker --listen tcp://0.0.0.0:61616 --data /var/lib/ferry --broker-user ferry   "
                + "# FERRY_BROKER_PASSWORD set",
                "  ferry broker --broker-name site-a --broker-user ferry-network --forward-to ssl://site-b:61617 \\",
                "      --forward-trust-store site-b.p12   # FERRY_BROKER_PASSWORD set; site B admits ferry-network"})
final class BrokerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Where the broker keeps its messages, in DIR/broker "
                    + "(default: $XDG_DATA_HOME/ferry, else ~/.local/share/ferry).")
    Path data;

    @Option(names = "--listen", paramLabel = "URI",
            description = "Address to accept connections on (default: tcp://127.0.0.1:61616, this machine "
                    + "only; tcp://0.0.0.0:61616 accepts any).")
    String listen;

    @Option(names = "--broker-name", paramLabel = "NAME", defaultValue = BrokerOptions.DEFAULT_NAME,
            description = "The broker's name (default: ${DEFAULT-VALUE}); brokers that forward to each other "
                    + "need different names, the two of a standby pair the same.")
    String brokerName;

    @Mixin
    BrokerLogin login;

    @Mixin
    OpenListen openListen;

    @Mixin
    ForwardOptions forwarding;

    @Override
    public Integer call() throws Exception {
        Path dataDir = data != null ? data : DataDirectory.of(Ferry.of(spec).environment());
        BrokerOptions options = brokerOptions(DataDirectory.broker(dataDir), login);
        URI address = listen == null ? null : ListenAddress.parse(spec.commandLine(), listen);
        openListen.check(spec.commandLine(), address, login);
        if (address != null) {
            options = options.withListen(address);
        }
        try {
            options = options.withBrokerName(brokerName).withForwards(forwarding.forwards(spec.commandLine()));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        try (Supervisor supervisor = new Supervisor()) {
            // Started inside the supervised work, so that Ctrl-C ends a standby's wait too.
            StandbyBroker broker = new StandbyBroker(options);
            supervisor.supervise("broker", broker, () -> {
                EmbeddedBroker active = broker.start(held -> say(out, "broker standing by: " + held
                        + " is in use by another broker; taking over when it stops"));
                say(out, "broker listening on " + active.connectUrl());
                ServiceNotifier.ofThisProcess().ready("listening on " + active.connectUrl());
                active.awaitStopped();
            });
            supervisor.runUntilStopped();
        }
        return 0;
    }

    private static void say(PrintWriter out, String line) {
        out.println(line);
        out.flush();
    }

    /**
     * Options for a broker in {@code brokerDir}, listening by default, that admits only the user of
     * {@code login} when it names one: clients given the same login (or environment) log in as that user.
     */
    static BrokerOptions brokerOptions(Path brokerDir, BrokerLogin login) {
        if (login.user() == null) {
            return BrokerOptions.defaults(brokerDir);
        }
        if (login.password() == null) {
            throw new IllegalArgumentException("a broker user (--broker-user or FERRY_BROKER_USER) was given "
                    + "without a password (--broker-password or FERRY_BROKER_PASSWORD)");
        }
        return BrokerOptions.defaults(brokerDir).withCredentials(login.user(), login.password());
    }
}
