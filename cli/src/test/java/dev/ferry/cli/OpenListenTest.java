package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

class OpenListenTest {

    private final CommandLine commandLine = Ferry.commandLine();

    @Test
    void thisMachineOnlyNeedsNoLogin() {
        for (String address : new String[] {"tcp://127.0.0.1:61616", "tcp://localhost:61616", "tcp://[::1]:61616",
                "tcp://127.0.0.2:61616"}) {
            assertThatCode(() -> new OpenListen().check(commandLine, URI.create(address), new BrokerLogin()))
                    .as(address).doesNotThrowAnyException();
        }
    }

    @Test
    void anyOtherAddressNeedsALoginOrTheRiskAccepted() {
        URI open = URI.create("tcp://0.0.0.0:61616");
        assertThatThrownBy(() -> new OpenListen().check(commandLine, open, new BrokerLogin()))
                .isInstanceOf(ParameterException.class).hasMessageContaining("--allow-anonymous");
        assertThatThrownBy(() -> new OpenListen().check(commandLine, URI.create("tcp://no-such-host.invalid:1"),
                new BrokerLogin())).as("a name that does not resolve").isInstanceOf(ParameterException.class);

        BrokerLogin login = new BrokerLogin();
        login.user = "ferry";
        assertThatCode(() -> new OpenListen().check(commandLine, open, login)).doesNotThrowAnyException();
        OpenListen accepted = new OpenListen();
        accepted.allowAnonymous = true;
        assertThatCode(() -> accepted.check(commandLine, open, new BrokerLogin())).doesNotThrowAnyException();
    }
}
