package dev.ferry.cli;

import java.net.URI;
import java.net.URISyntaxException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** The value of {@code --listen}: an address with scheme, host and port, checked as a usage error. */
final class ListenAddress {

    private ListenAddress() {
    }

    static URI parse(CommandLine commandLine, String value) {
        try {
            URI address = new URI(value);
            if (address.getScheme() != null && address.getHost() != null && address.getPort() >= 0) {
                return address;
            }
        } catch (URISyntaxException e) {
            // Reported below, in the same words as a missing part.
        }
        throw new ParameterException(commandLine,
                "invalid --listen address '" + value + "': expected one like tcp://0.0.0.0:61616");
    }
}
