package dev.ferry.cli;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The embedded broker's protected mode, as Redis has one: it listens beyond this machine only with
 * a login ({@code --broker-user} and its password), since whoever can send to Ferry's queue can
 * write and delete files on every mirror; {@code --allow-anonymous} accepts that risk in so many
 * words.
 */
final class OpenListen {

    @Option(names = "--allow-anonymous", fallbackValue = "true",
            description = "Listen on an address other machines reach without --broker-user: anyone who reaches "
                    + "it can then write and delete files on every mirror.")
    boolean allowAnonymous;

    /**
     * Refuses, as a usage error, to listen on {@code address} without a login when other machines
     * can reach it.
     */
    void check(CommandLine commandLine, URI address, BrokerLogin login) {
        if (address == null || allowAnonymous || login.user() != null || isLoopback(address.getHost())) {
            return;
        }
        throw new ParameterException(commandLine, "refusing to listen on " + address + " without a login, which "
                + "would let anyone who reaches it write and delete files on every mirror: set --broker-user and "
                + "FERRY_BROKER_PASSWORD (or listen on 127.0.0.1), or accept the risk with --allow-anonymous");
    }

    /** Whether only this machine reaches {@code host}; a name that does not resolve is taken as reachable. */
    static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
