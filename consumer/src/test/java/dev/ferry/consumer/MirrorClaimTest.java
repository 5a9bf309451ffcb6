package dev.ferry.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.consumer.MirrorClaim.Origin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A destination is one mirror of one stream, for good: DST/.ferry/mirror says which. */
class MirrorClaimTest {

    private static final String QUEUE = "ferry.changes";

    @TempDir
    Path dst;
    Path bookkeeping;

    @BeforeEach
    void aDestinationWithItsBookkeepingDirectory() throws IOException {
        bookkeeping = Files.createDirectories(dst.resolve(".ferry"));
    }

    @Test
    void aNewDestinationIsClaimedForTheMirrorThatFirstAppliesToItAndKnownToItAfter() throws IOException {
        assertThat(MirrorClaim.stake(dst, bookkeeping, "office", QUEUE).origin()).isEqualTo(Origin.NEW);
        assertThat(bookkeeping.resolve("mirror")).content().contains("version=1\nmirror=office\nqueue=ferry.changes\n");
        assertThat(bookkeeping.resolve("mirror.tmp")).doesNotExist();

        MirrorClaim again = MirrorClaim.stake(dst, bookkeeping, "office", QUEUE);

        assertThat(again.origin()).isEqualTo(Origin.KNOWN);
        assertThat(again.mirror()).isEqualTo("office");
        assertThat(again.queue()).isEqualTo(QUEUE);
    }

    @Test
    void anotherMirrorIsRefusedWithOneLineNamingBothAndTheFix() throws IOException {
        MirrorClaim.stake(dst, bookkeeping, "office", QUEUE);

        assertThatThrownBy(() -> MirrorClaim.stake(dst, bookkeeping, "default", QUEUE))
                .hasMessage(dst + " belongs to mirror 'office' of queue ferry.changes (" + bookkeeping.resolve("mirror")
                        + "); use --mirror office, or another --dest");
        assertThatThrownBy(() -> MirrorClaim.stake(dst, bookkeeping, "office", "photos"))
                .hasMessage(dst + " belongs to mirror 'office' of queue ferry.changes (" + bookkeeping.resolve("mirror")
                        + "); use --queue ferry.changes, or another --dest");
        assertThatThrownBy(() -> MirrorClaim.stake(dst, bookkeeping, "nas", "photos"))
                .hasMessageEndingWith("; use --queue ferry.changes --mirror office, or another --dest");
        assertThat(bookkeeping.resolve("mirror")).content().contains("mirror=office\n");
    }

    @Test
    void aDestinationReplicatedBeforeMirrorsIsAdoptedAsMirrorDefaultOnly() throws IOException {
        Files.writeString(bookkeeping.resolve("ledger.journal"), "");

        assertThatThrownBy(() -> MirrorClaim.stake(dst, bookkeeping, "office", QUEUE))
                .hasMessage(dst + " belongs to mirror 'default' of queue ferry.changes (replicated before mirrors: it has "
                        + bookkeeping.resolve("ledger.journal") + " but no mirror); use --mirror default, or another --dest");
        assertThat(bookkeeping.resolve("mirror")).as("a refusal claims nothing").doesNotExist();

        assertThat(MirrorClaim.stake(dst, bookkeeping, "default", QUEUE).origin()).isEqualTo(Origin.ADOPTED);
        assertThat(MirrorClaim.stake(dst, bookkeeping, "default", QUEUE).origin()).isEqualTo(Origin.KNOWN);
    }

    @Test
    void aClaimThisFerryCannotReadStopsTheConsumerRatherThanBeingReplaced() throws IOException {
        Files.writeString(bookkeeping.resolve("mirror"), "version=2\nmirror=office\nqueue=ferry.changes\nkey=new\n");
        assertThatThrownBy(() -> MirrorClaim.stake(dst, bookkeeping, "office", QUEUE))
                .hasMessage("cannot tell which mirror " + dst + " is: " + bookkeeping.resolve("mirror")
                        + ": it is of version 2 and this Ferry reads version 1 (a newer Ferry wrote it? upgrade this one)");

        Files.writeString(bookkeeping.resolve("mirror"), "version=1\nmirror=office\n");
        assertThatThrownBy(() -> MirrorClaim.stake(dst, bookkeeping, "office", QUEUE))
                .hasMessageEndingWith("holds [mirror] where version 1 holds [mirror, queue]");

        Files.writeString(bookkeeping.resolve("mirror"), "garbage\n");
        assertThatThrownBy(() -> MirrorClaim.stake(dst, bookkeeping, "office", QUEUE))
                .hasMessageEndingWith("line 1 is not a new key=value");
        assertThat(bookkeeping.resolve("mirror")).hasContent("garbage");
    }
}
