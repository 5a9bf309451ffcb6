package dev.ferry.cli;

import picocli.CommandLine.Option;

/**
 * The user a client logs in to the broker as, and the only user an embedded broker (of
 * {@code broker} and {@code up}) admits when one is given.
 */
final class BrokerLogin {

    @Option(names = "--broker-user", paramLabel = "USER",
            description = "Log in to the broker as USER; the brokers of 'broker' and 'up' then admit only USER.")
    String user;

    @Option(names = "--broker-password", paramLabel = "PASSWORD",
            description = "USER's password; better in FERRY_BROKER_PASSWORD or a config file than here, "
                    + "where other users of this machine can see it.")
    String password;

    String user() {
        return user;
    }

    String password() {
        return password;
    }
}
