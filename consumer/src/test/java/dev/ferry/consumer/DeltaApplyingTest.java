package dev.ferry.consumer;

import static dev.ferry.consumer.Bodies.body;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.ChangeEvent.DeltaChunk;
import dev.ferry.wire.ChangeEvent.PutDelta;
import dev.ferry.wire.ChangeEvent.PutFile;
import dev.ferry.wire.DeltaPieces;
import dev.ferry.wire.RelPath;
import dev.ferry.wire.WireFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file's new version made from the mirror's copy of its old one and literal bytes. */
class DeltaApplyingTest {

    private static final RelPath PATH = RelPath.of("images/disk.img");

    @TempDir
    Path parent;
    Path dst;
    Replica replica;

    /** The base: 300 KB the mirror holds, applied as a whole file. */
    byte[] base = random(300_000, 1);
    /** The new version: the base with 1,000 bytes in its middle replaced and 5,000 appended. */
    byte[] next;

    @BeforeEach
    void mirrorHoldsTheBase() throws Exception {
        dst = parent.resolve("dst");
        replica = Replica.open(dst, WireFormat.DEFAULT_MIRROR, WireFormat.DEFAULT_QUEUE);
        dst = replica.root();
        Delivery.applyNow(replica, new PutFile(PATH, 1, 0, base.length, base.length, Bodies.sha256(base), 0644,
                Bodies.MTIME), body(base, 0, base.length));
        replica.asked("join", Instant.now()); // A new mirror wants a repair; this one had it.
        replica.answered();
        replica.makeDurable(true, 1);
        assertThat(replica.repairWanted()).isFalse();
        next = Arrays.copyOf(base, base.length + 5_000);
        System.arraycopy(random(1_000, 2), 0, next, 150_000, 1_000);
        System.arraycopy(random(5_000, 3), 0, next, base.length, 5_000);
    }

    @AfterEach
    void closeReplica() throws Exception {
        replica.close();
    }

    /** The delta of {@link #next} in two messages: the first up to the change, the second the rest. */
    private DeltaChunk first(long seq) {
        return new DeltaChunk(PATH, seq, 0, 151_000, Bodies.sha256(base), base.length,
                DeltaPieces.of(0, 150_000, DeltaPieces.LITERAL, 1_000));
    }

    private PutDelta last(long seq) {
        return new PutDelta(PATH, seq, 151_000, next.length - 151_000L, Bodies.sha256(base), base.length,
                DeltaPieces.of(151_000, base.length - 151_000L, DeltaPieces.LITERAL, 5_000), next.length,
                Bodies.sha256(next), 0600, Bodies.MTIME + 1_000_000_000L);
    }

    private boolean apply(ChangeEvent event, int literalFrom, int literalLength) throws Exception {
        return Delivery.applyNow(replica, event, body(next, literalFrom, literalLength));
    }

    @Test
    void theNewVersionIsMadeFromTheBaseAndTheLiteralBytes() throws Exception {
        assertThat(apply(first(2), 150_000, 1_000)).isFalse();
        assertThat(Files.readAllBytes(dst.resolve(PATH.text()))).as("unchanged until the last part").isEqualTo(base);

        assertThat(apply(last(2), base.length, 5_000)).isTrue();

        assertThat(Files.readAllBytes(dst.resolve(PATH.text()))).isEqualTo(next);
        assertThat(Files.getLastModifiedTime(dst.resolve(PATH.text())).toMillis())
                .isEqualTo((Bodies.MTIME + 1_000_000_000L) / 1_000_000);
        assertThat(Files.list(dst.resolve(".ferry/staging"))).as("staging cleaned up").isEmpty();
        assertThat(replica.repairWanted()).isFalse();
    }

    @Test
    void aMirrorFileEditedBehindFerrysBackIsLeftAloneAndARepairIsWanted() throws Exception {
        byte[] edited = base.clone();
        edited[10] ^= 1; // Same size: only the content differs.
        Files.write(dst.resolve(PATH.text()), edited);

        assertThat(apply(first(2), 150_000, 1_000)).isFalse();
        assertThat(apply(last(2), base.length, 5_000)).isFalse();

        assertThat(Files.readAllBytes(dst.resolve(PATH.text()))).isEqualTo(edited);
        assertThat(replica.repairWanted()).isTrue();
        assertThat(Files.list(dst.resolve(".ferry/staging"))).as("nothing left staged").isEmpty();
    }

    @Test
    void aMissingOrResizedBaseIsNoBaseAndARepairIsWanted() throws Exception {
        Files.write(dst.resolve(PATH.text()), Arrays.copyOf(base, 1000));

        assertThat(apply(first(2), 150_000, 1_000)).isFalse();
        Files.delete(dst.resolve(PATH.text()));
        assertThat(apply(last(2), base.length, 5_000)).isFalse();

        assertThat(dst.resolve(PATH.text())).doesNotExist();
        assertThat(replica.repairWanted()).isTrue();
    }

    @Test
    void aDeltaDeliveredAgainAfterItsFileLandedKeepsTheFileAndWantsNoRepair() throws Exception {
        apply(first(2), 150_000, 1_000);
        replica.makeDurable(true, 2); // The first part's transaction committed...
        apply(last(2), base.length, 5_000); // ...the last landed, and the consumer died before its commit.
        replica.close();

        replica = Replica.open(dst, WireFormat.DEFAULT_MIRROR, WireFormat.DEFAULT_QUEUE);
        // Redelivered: the base the copies name is gone (the new version stands at the path).
        assertThat(apply(last(2), base.length, 5_000)).isTrue();

        assertThat(Files.readAllBytes(dst.resolve(PATH.text()))).isEqualTo(next);
        assertThat(replica.repairWanted()).isFalse();
        assertThat(Files.list(dst.resolve(".ferry/staging"))).isEmpty();
    }

    @Test
    void aDeltaWholeTransactionDeliveredAgainAfterItsFileLandedKeepsTheFile() throws Exception {
        apply(first(2), 150_000, 1_000);
        apply(last(2), base.length, 5_000); // Both in one transaction, which never committed.
        replica.forgetUncommitted();

        // Both come again; the first part's copies now read the new version.
        apply(first(2), 150_000, 1_000);
        assertThat(apply(last(2), base.length, 5_000)).isTrue();

        assertThat(Files.readAllBytes(dst.resolve(PATH.text()))).isEqualTo(next);
        assertThat(replica.repairWanted()).isFalse();
    }

    @Test
    void aDeltaResumedAfterARestartBetweenItsPartsStillMakesTheRightFile() throws Exception {
        apply(first(2), 150_000, 1_000);
        replica.makeDurable(true, 2);
        replica.close();

        replica = Replica.open(dst, WireFormat.DEFAULT_MIRROR, WireFormat.DEFAULT_QUEUE);
        assertThat(apply(last(2), base.length, 5_000)).isTrue();

        assertThat(Files.readAllBytes(dst.resolve(PATH.text()))).isEqualTo(next);
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    @Test
    void aHostileRecipeIsDeadLetteredWithItsReasonAndTouchesNothing() throws Exception {
        String head = "{\"kind\":\"delta-chunk\",\"path\":\"" + PATH.text() + "\",\"seq\":2,\"offset\":0,\"base\":\""
                + Bodies.sha256(base) + "\",\"baseSize\":" + base.length + ",";
        Delivery.Outcome pastTheBase = Delivery.deliver(replica, WireMessage.of(head
                + "\"length\":10,\"pieces\":[" + (base.length - 5) + ",10]}", new byte[0]));
        Delivery.Outcome literalPastTheBody = Delivery.deliver(replica, WireMessage.of(head
                + "\"length\":10,\"pieces\":[-1,10]}", new byte[4]));
        Delivery.Outcome climbsOut = Delivery.deliver(replica, WireMessage.of(head.replace(PATH.text(), "../x")
                + "\"length\":4,\"pieces\":[-1,4]}", new byte[4]));

        assertThat(pastTheBase.deadLetterReason()).contains("past the end of the base of " + base.length + " bytes");
        assertThat(literalPastTheBody.deadLetterReason()).contains("body is 4 bytes but the event declares 10");
        assertThat(climbsOut.deadLetterReason()).isNotNull();
        assertThat(Files.readAllBytes(dst.resolve(PATH.text()))).isEqualTo(base);
        assertThat(parent.resolve("x")).doesNotExist();
        assertThat(Files.list(dst.resolve(".ferry/staging"))).isEmpty();
    }

    @Test
    void aBaseThatIsALinkIsNotFollowedOutOfTheMirror() throws Exception {
        byte[] secret = random(base.length, 9);
        Path outside = Files.write(parent.resolve("secret"), secret);
        Files.delete(dst.resolve(PATH.text()));
        Files.createSymbolicLink(dst.resolve(PATH.text()), outside);

        // A delta that would copy the whole "base" into the file: the link's target, if it were followed.
        assertThat(Delivery.applyNow(replica, new PutDelta(PATH, 2, 0, secret.length, Bodies.sha256(secret),
                secret.length, DeltaPieces.of(0, secret.length), secret.length, Bodies.sha256(secret), 0644,
                Bodies.MTIME), body(new byte[0], 0, 0))).isFalse();

        assertThat(Files.isSymbolicLink(dst.resolve(PATH.text()))).isTrue();
        assertThat(Files.list(dst.resolve(".ferry/staging"))).isEmpty();
        assertThat(replica.repairWanted()).isTrue();
    }
}
