package dev.ferry.tests;

import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package (dist/: target/ferry_VERSION_all.deb) installed with dpkg into a clean Debian
 * that has only what it depends on (docker/build-standin-images.sh makes that image from
 * deb.debian.org): its files, its user and directories, /usr/bin/ferry running for root and for
 * the ferry user, a configuration copied in that the ferry user reads, units systemd accepts
 * without a word; then an upgrade to a newer version that keeps an edited configuration and the
 * modes of a replaced one, a removal that keeps the data, and a purge that leaves nothing (not even
 * what root's first run made).
 */
@ExtendWith(RequiresDocker.class)
@Timeout(value = 5, unit = MINUTES)
class DebianPackageTest {

    static final String IMAGE = "ferry-test/debian-java:bookworm";

    /** Run in the container as root, the package at /deb/ferry.deb: each line says what it found. */
    private static final String SCRIPT = """
            set -eu
            dpkg -i /deb/ferry.deb >/tmp/dpkg.log 2>&1 || { cat /tmp/dpkg.log; exit 1; }
            echo "version: $(ferry --version 2>/dev/null | head -n 1)"
            echo "link: $(readlink /usr/bin/ferry)"
            echo "user: $(getent passwd ferry | cut -d: -f1,6,7)"
            echo "$(stat -c 'owner: %n %U:%G %a' /var/lib/ferry /var/cache/ferry /etc/ferry /etc/ferry/ferry.yaml)"
            echo "as ferry: $(runuser -u ferry -- ferry --version 2>/dev/null | head -n 1)"
            cp /etc/ferry/example.yaml /etc/ferry/photos.yaml
            echo "a copied config, as ferry: $(runuser -u ferry -- ferry --config /etc/ferry/photos.yaml \\
              config consumer 2>&1 | grep -c -- '--dest .*/var/lib/ferry/mirror/example')"
            echo "completion: $(grep -c 'complete -F' /usr/share/bash-completion/completions/ferry)"
            verify=$(systemd-analyze verify --man=no /lib/systemd/system/ferry-broker.service \\
              /lib/systemd/system/ferry-consumer@.service /lib/systemd/system/ferry-producer@.service 2>&1)
            echo "units: ${verify:-verified}"
            echo "# kept" >> /etc/ferry/ferry.yaml
            install -d -o ferry -g ferry /var/lib/ferry/broker && touch /var/lib/ferry/broker/data
            dpkg-deb -R /deb/ferry.deb /tmp/next
            sed -i 's/^Version: .*/&.1/' /tmp/next/DEBIAN/control
            echo "# newer" >> /tmp/next/etc/ferry/example.yaml
            dpkg-deb --root-owner-group -b /tmp/next /tmp/next.deb >/dev/null
            dpkg -i /tmp/next.deb >/tmp/dpkg.log 2>&1 || { cat /tmp/dpkg.log; exit 1; }
            echo "upgraded: $(tail -n 1 /etc/ferry/ferry.yaml), $(tail -n 1 /etc/ferry/example.yaml)"
            echo "$(stat -c 'owner: %n %U:%G %a' /etc/ferry/example.yaml)"
            dpkg -r ferry >/dev/null
            echo "removed: $(ls /var/lib/ferry/broker) $(test -e /usr/bin/ferry && echo ferry || echo no-ferry)"
            rm /etc/ferry/photos.yaml
            dpkg -P ferry >/dev/null
            echo "purged: $(ls -d /var/lib/ferry /var/cache/ferry /etc/ferry /usr/share/ferry 2>/dev/null | wc -l)"
            """;

    @TempDir
    Path dir;

    @Test
    void installsUpgradesRemovesAndPurgesLikeADebianPackage() throws Exception {
        Path built = Path.of(System.getProperty("ferry.debian.package.dir", "../dist/target"));
        Path deb;
        try (Stream<Path> files = Files.list(built)) {
            deb = files.filter(file -> file.getFileName().toString().matches("ferry_.*_all\\.deb")).findFirst()
                    .orElseThrow(() -> new AssertionError("no ferry_*_all.deb in " + built.toAbsolutePath()
                            + ": the dist module builds it where dpkg-deb is installed (Debian's dpkg)"));
        }
        Files.copy(deb, dir.resolve("ferry.deb"));
        Files.writeString(dir.resolve("check.sh"), SCRIPT);
        Command.run(dir, Duration.ofSeconds(20), "docker", "image", "inspect", IMAGE).orFail();

        String said = Command.run(dir, Duration.ofMinutes(4), "docker", "run", "--rm", "-v", dir + ":/deb:ro",
                IMAGE, "bash", "/deb/check.sh").orFail().out();

        String version = deb.getFileName().toString().replaceAll("^ferry_|_all\\.deb$", "").replace('~', '-');
        assertThat(said.lines()).containsExactly(
                "version: ferry " + version,
                "link: ../share/ferry/bin/ferry",
                "user: ferry:/var/lib/ferry:/usr/sbin/nologin",
                "owner: /var/lib/ferry ferry:ferry 750",
                "owner: /var/cache/ferry ferry:ferry 750",
                "owner: /etc/ferry root:ferry 2750",
                "owner: /etc/ferry/ferry.yaml root:ferry 640",
                "as ferry: ferry " + version,
                "a copied config, as ferry: 1",
                "completion: 1",
                "units: verified",
                "upgraded: # kept, # newer",
                "owner: /etc/ferry/example.yaml root:ferry 640",
                "removed: data no-ferry",
                "purged: 0");
    }
}
