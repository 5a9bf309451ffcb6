package dev.ferry.consumer;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.ferry.wire.WireFormat;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generators of queue messages for the property tests: well-formed changes as a producer sends
 * them (some with a hostile twist), and messages built to break the decoder.
 *
 * <p>Events are assembled as JSON text field by field, not through the {@code ChangeEvent}
 * records, so that values the records would refuse (huge numbers, wrong types, paths that climb
 * out) reach the decoder exactly as an attacker would send them.
 */
final class HostileMessages {

    private static final List<String> FIELD_NAMES = List.of("kind", "path", "from", "seq", "offset", "length",
            "size", "sha256", "mode", "mtimeNanos", "target");

    /** What can go wrong with a file body on its way: the producer's and the network's mistakes. */
    private enum Twist {
        NONE, WRONG_SHA256, BODY_SHORTER, BODY_LONGER, SIZE_NOT_OFFSET_PLUS_LENGTH, CHUNK_DROPPED,
        CHUNKS_SWAPPED, CHUNK_BEYOND_STAGED, CHUNK_REDELIVERED, ABORTED_MIDWAY
    }

    private HostileMessages() {
    }

    /** Anything: well-formed events on hostile paths, and hostile messages of every kind. */
    static Arbitrary<WireMessage> any() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, oneOf(changes(HostilePaths.anyText(), anySeq()))),
                Tuple.of(7, hostile()));
    }

    /**
     * Sequences of changes in one small tree, so events meet (a file where a directory was, a
     * rename onto a link, a stale duplicate), mixed with hostile messages.
     */
    static Arbitrary<List<WireMessage>> treeChanges(int minSteps, int maxSteps) {
        Arbitrary<Long> seqs = Arbitraries.longs().between(1, 60);
        Arbitrary<List<WireMessage>> step = Arbitraries.frequencyOf(
                Tuple.of(12, changes(HostilePaths.inTree(), seqs)),
                Tuple.of(1, linksMovedUp(seqs).map(HostileMessages::messages)),
                Tuple.of(2, hostile().map(List::of)));
        return concatenated(step, minSteps, maxSteps, Integer.MAX_VALUE);
    }

    /**
     * A backlog on the queue: hostile messages of every kind mixed with changes in a small tree
     * (some of which cannot apply), at least {@code min} and at most {@code max} messages.
     */
    static Arbitrary<List<WireMessage>> backlogs(int min, int max) {
        Arbitrary<Long> seqs = Arbitraries.longs().between(1, 60);
        Arbitrary<List<WireMessage>> step = Arbitraries.frequencyOf(
                Tuple.of(6, any().map(List::of)),
                Tuple.of(3, changes(HostilePaths.inTree(), seqs)),
                Tuple.of(1, linksMovedUp(seqs).map(HostileMessages::messages)));
        return concatenated(step, min, max, max);
    }

    private static Arbitrary<List<WireMessage>> concatenated(Arbitrary<List<WireMessage>> step, int minSteps,
                                                             int maxSteps, int maxMessages) {
        return step.list().ofMinSize(minSteps).ofMaxSize(maxSteps).map(steps -> {
            List<WireMessage> all = new ArrayList<>();
            steps.forEach(all::addAll);
            return List.copyOf(all.subList(0, Math.min(all.size(), maxMessages)));
        });
    }

    /** One change as a producer would send it (a file as its chunks and its PutFile), maybe twisted. */
    private static Arbitrary<List<WireMessage>> changes(Arbitrary<String> paths, Arbitrary<Long> seqs) {
        return drafts(paths, seqs).map(HostileMessages::messages);
    }

    private static List<WireMessage> messages(List<Draft> drafts) {
        return drafts.stream().map(Draft::message).toList();
    }

    /** An event before it is written as JSON: raw JSON values by field name, and the body. */
    private record Draft(Map<String, String> fields, byte[] body) {
        Draft(Map<String, String> fields) {
            this(fields, new byte[0]);
        }

        WireMessage message() {
            return WireMessage.of(json(fields), body);
        }
    }

    private static Arbitrary<List<Draft>> drafts(Arbitrary<String> paths, Arbitrary<Long> seqs) {
        Arbitrary<Map<String, String>> dir = Combinators.combine(paths, seqs, modes(), mtimes())
                .as((path, seq, mode, mtime) -> fields("dir", path, seq, "mode", mode, "mtimeNanos", mtime));
        Arbitrary<Map<String, String>> symlink = Combinators.combine(paths, seqs, HostilePaths.symlinkTargets())
                .as((path, seq, target) -> fields("symlink", path, seq, "target", quoted(target)));
        Arbitrary<Map<String, String>> delete = Combinators.combine(paths, seqs)
                .as((path, seq) -> fields("delete", path, seq));
        Arbitrary<Map<String, String>> abort = Combinators.combine(paths, seqs)
                .as((path, seq) -> fields("abort", path, seq));
        Arbitrary<Map<String, String>> rename = Combinators.combine(paths, paths, seqs).as((from, path, seq) -> {
            Map<String, String> fields = fields("rename", path, seq);
            fields.put("from", quoted(from));
            return fields;
        });
        Arbitrary<Map<String, String>> simple = Arbitraries.frequencyOf(Tuple.of(1, dir), Tuple.of(2, symlink),
                Tuple.of(1, delete), Tuple.of(1, abort), Tuple.of(2, rename));
        return Arbitraries.frequencyOf(
                Tuple.of(4, fileTransfers(paths, seqs)),
                Tuple.of(6, simple.map(fields -> List.of(new Draft(fields)))));
    }

    /** A file's body as chunks and a final PutFile, as the producer splits it. */
    private static Arbitrary<List<Draft>> fileTransfers(Arbitrary<String> paths, Arbitrary<Long> seqs) {
        Arbitrary<byte[]> contents = Arbitraries.bytes().array(byte[].class).ofMaxSize(120);
        Arbitrary<Twist> twists = Arbitraries.frequency(Tuple.of(12, Twist.NONE),
                Tuple.of(1, Twist.WRONG_SHA256), Tuple.of(1, Twist.BODY_SHORTER), Tuple.of(1, Twist.BODY_LONGER),
                Tuple.of(1, Twist.SIZE_NOT_OFFSET_PLUS_LENGTH), Tuple.of(1, Twist.CHUNK_DROPPED),
                Tuple.of(1, Twist.CHUNKS_SWAPPED), Tuple.of(1, Twist.CHUNK_BEYOND_STAGED),
                Tuple.of(1, Twist.CHUNK_REDELIVERED), Tuple.of(1, Twist.ABORTED_MIDWAY));
        return Combinators.combine(paths, seqs, contents, Arbitraries.integers().between(8, 64), modes(), mtimes(),
                twists).as(FileTransfer::new).map(FileTransfer::drafts);
    }

    /**
     * A link that stays inside where it is made, then moves (itself, or the directory it is in)
     * closer to the root, where the same target climbs further than the link is deep.
     */
    private static Arbitrary<List<Draft>> linksMovedUp(Arbitrary<Long> seqs) {
        Arbitrary<List<String>> directories = HostilePaths.treeNames().list().ofMinSize(1).ofMaxSize(2);
        return Combinators.combine(directories, HostilePaths.treeNames(), HostilePaths.treeNames(), seqs,
                Arbitraries.of(true, false)).as((directory, name, newName, seq, moveDirectory) -> {
                    String directoryPath = String.join("/", directory);
                    String link = directoryPath + "/" + name;
                    String target = "../".repeat(directory.size()) + name;
                    Map<String, String> rename = fields("rename", newName, seq + 1);
                    rename.put("from", quoted(moveDirectory ? directoryPath : link));
                    return List.of(new Draft(fields("symlink", link, seq, "target", quoted(target))),
                            new Draft(rename));
                });
    }

    /** Messages built to break the decoder: bad versions, bad JSON, bad values, bodies that lie. */
    private static Arbitrary<WireMessage> hostile() {
        Arbitrary<Object> versions = Arbitraries.<Object>frequency(Tuple.of(12, WireFormat.VERSION),
                Tuple.of(1, 0), Tuple.of(1, 2), Tuple.of(1, 99), Tuple.of(1, -1), Tuple.of(1, Integer.MAX_VALUE),
                Tuple.of(1, "1"), Tuple.of(1, "one"), Tuple.of(1, 1L), Tuple.of(1, 1.0), Tuple.of(1, true))
                .injectNull(0.08);
        Arbitrary<Boolean> asText = Arbitraries.frequency(Tuple.of(15, false), Tuple.of(1, true));
        return Combinators.combine(versions, eventsWithBodies(), asText)
                .as((version, eventAndBody, text) -> new WireMessage(version, eventAndBody.event(),
                        eventAndBody.body(), text));
    }

    private record EventAndBody(String event, byte[] body) {
    }

    /** How a body relates to the length its event declares. */
    private enum BodyFit {
        DECLARED, ONE_MORE, ONE_LESS, ANY
    }

    private static Arbitrary<EventAndBody> eventsWithBodies() {
        Arbitrary<Map<String, String>> mutated = Combinators.combine(anyEventFields(),
                mutation().list().ofMaxSize(3)).as((fields, mutations) -> {
                    Map<String, String> result = new LinkedHashMap<>(fields);
                    mutations.forEach(m -> m.apply(result));
                    return result;
                });
        Arbitrary<BodyFit> fits = Arbitraries.frequency(Tuple.of(6, BodyFit.DECLARED), Tuple.of(1, BodyFit.ONE_MORE),
                Tuple.of(1, BodyFit.ONE_LESS), Tuple.of(1, BodyFit.ANY));
        Arbitrary<EventAndBody> structured = Combinators.combine(mutated, fits, Arbitraries.randoms())
                .as((fields, fit, random) -> new EventAndBody(json(fields), body(fields.get("length"), fit, random)));
        Arbitrary<String> truncated = Combinators.combine(anyEventFields().map(HostileMessages::json),
                Arbitraries.doubles().between(0, 1))
                .as((json, cut) -> json.substring(0, (int) (cut * (json.length() - 1))));
        Arbitrary<String> texts = Arbitraries.frequencyOf(
                Tuple.of(3, truncated),
                Tuple.of(1, Arbitraries.strings().all().ofMaxLength(100)),
                Tuple.of(2, Arbitraries.strings().withChars("{}[]\":,.-+0123456789eE \\nultrfaskindpathseq")
                        .ofMaxLength(80)),
                Tuple.of(1, Arbitraries.of("null", "true", "false", "0", "[]", "{}", "\"\"", "\"file\"", " ", "",
                        "{\"kind\":null}", "{\"kind\":\"file\"}", "[{\"kind\":\"delete\",\"path\":\"x\",\"seq\":1}]")),
                Tuple.of(1, deepNesting()));
        Arbitrary<EventAndBody> unstructured = Combinators.combine(texts.injectNull(0.05), Arbitraries.randoms())
                .as((text, random) -> new EventAndBody(text, body(null, BodyFit.ANY, random)));
        return Arbitraries.frequencyOf(Tuple.of(3, structured), Tuple.of(1, unstructured));
    }

    private static Arbitrary<Map<String, String>> anyEventFields() {
        return oneOf(drafts(HostilePaths.anyText(), anySeq())).map(Draft::fields);
    }

    /** One element of each generated list. */
    private static <T> Arbitrary<T> oneOf(Arbitrary<List<T>> lists) {
        return Combinators.combine(lists, Arbitraries.integers().between(0, 99))
                .as((list, index) -> list.get(index % list.size()));
    }

    private static Arbitrary<UnaryOperator<Map<String, String>>> mutation() {
        Arbitrary<UnaryOperator<Map<String, String>>> set = Combinators.combine(Arbitraries.of(FIELD_NAMES),
                hostileValues()).as((name, value) -> fields -> put(fields, name, value));
        Arbitrary<UnaryOperator<Map<String, String>>> remove = Arbitraries.of(FIELD_NAMES)
                .map(name -> fields -> {
                    fields.remove(name);
                    return fields;
                });
        Arbitrary<UnaryOperator<Map<String, String>>> unknownField = Combinators.combine(
                Arbitraries.of("extra", "Path", "SEQ", "kind ", "__proto__", "@class", ""), hostileValues())
                .as((name, value) -> fields -> put(fields, name, value));
        Arbitrary<UnaryOperator<Map<String, String>>> unknownKind = Arbitraries.of("chmod", "File", "FILE", "",
                "file ", "PutFile", "chunk\0").map(kind -> fields -> put(fields, "kind", quoted(kind)));
        return Arbitraries.frequencyOf(Tuple.of(5, set), Tuple.of(2, remove), Tuple.of(1, unknownField),
                Tuple.of(1, unknownKind));
    }

    /** Raw JSON values that a field should not hold, or holds at the edge of its range. */
    private static Arbitrary<String> hostileValues() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, HostilePaths.anyText().map(HostileMessages::quoted)),
                Tuple.of(3, Arbitraries.of("0", "-1", "1", "2147483647", "2147483648", "-2147483649",
                        String.valueOf(WireFormat.MAX_CHUNK_BYTES), String.valueOf(WireFormat.MAX_CHUNK_BYTES + 1),
                        "9223372036854775807", "9223372036854775808", "-9223372036854775808",
                        "99999999999999999999999999999999", "1e400", "-1e400", "1.5", "1e2", "-0", "0.0",
                        "1".repeat(1200), "NaN", "Infinity", "0x10", "01", "511", "512", "4095")),
                Tuple.of(2, Arbitraries.of("null", "true", "\"1\"", "\"\"", "[]", "{}", "[1]", "{\"a\":1}",
                        quoted("a".repeat(64)), quoted("A".repeat(64)), quoted("g".repeat(64)),
                        quoted("0".repeat(63)), quoted("0".repeat(65)))),
                Tuple.of(1, deepNesting()));
    }

    private static Arbitrary<String> deepNesting() {
        Arbitrary<IntFunction<String>> shapes = Arbitraries.of(
                depth -> "[".repeat(depth) + "]".repeat(depth),
                depth -> "[".repeat(depth),
                depth -> "{\"a\":".repeat(depth) + "1" + "}".repeat(depth));
        return Combinators.combine(Arbitraries.of(1, 50, 999, 1000, 1001, 5000, 100_000), shapes)
                .as((depth, shape) -> shape.apply(depth));
    }

    /** A body of the declared length (when that is a small number), a byte off, or anything short. */
    private static byte[] body(String declaredLength, BodyFit fit, Random random) {
        int declared = -1;
        try {
            declared = Integer.parseInt(declaredLength == null ? "" : declaredLength);
        } catch (NumberFormatException e) {
            fit = BodyFit.ANY;
        }
        if (declared < 0 || declared > 4096) {
            fit = BodyFit.ANY;
        }
        int length = switch (fit) {
            case DECLARED -> declared;
            case ONE_MORE -> declared + 1;
            case ONE_LESS -> Math.max(0, declared - 1);
            case ANY -> random.nextInt(17);
        };
        byte[] body = new byte[length];
        random.nextBytes(body);
        return body;
    }

    private static Arbitrary<Long> anySeq() {
        return Arbitraries.frequencyOf(Tuple.of(9, Arbitraries.longs().between(1, 1000)),
                Tuple.of(1, Arbitraries.of(Long.MAX_VALUE, 0L, -1L, Long.MIN_VALUE)));
    }

    private static Arbitrary<String> modes() {
        return Arbitraries.frequencyOf(Tuple.of(9, Arbitraries.integers().between(0, 0777).map(String::valueOf)),
                Tuple.of(1, Arbitraries.of("-1", "512", "4095", "2147483647")));
    }

    private static Arbitrary<String> mtimes() {
        return Arbitraries.of(0L, 1L, -1L, Bodies.MTIME, Long.MAX_VALUE, Long.MIN_VALUE).map(String::valueOf);
    }

    /** The chunks and PutFile of one body, with an optional twist. */
    private record FileTransfer(String path, long seq, byte[] content, int chunkSize, String mode, String mtime,
                                Twist twist) {

        List<Draft> drafts() {
            List<Draft> drafts = new ArrayList<>();
            int last = content.length == 0 ? 0 : ((content.length - 1) / chunkSize) * chunkSize;
            for (int offset = 0; offset < last; offset += chunkSize) {
                drafts.add(chunk(offset));
            }
            drafts.add(putFile(last));
            twist(drafts);
            return drafts;
        }

        private void twist(List<Draft> drafts) {
            boolean chunked = drafts.size() > 1;
            switch (twist) {
                case CHUNK_DROPPED -> {
                    if (chunked) {
                        drafts.remove(0);
                    }
                }
                case CHUNKS_SWAPPED -> {
                    if (chunked) {
                        drafts.add(0, drafts.remove(1));
                    }
                }
                case CHUNK_BEYOND_STAGED -> drafts.add(0, chunk(content.length + chunkSize));
                case CHUNK_REDELIVERED -> drafts.add(drafts.size() - 1, drafts.get(0));
                case ABORTED_MIDWAY -> drafts.add(drafts.size() - 1, new Draft(fields("abort", path, seq)));
                default -> {
                }
            }
        }

        private Draft chunk(int offset) {
            return new Draft(fields("chunk", path, seq, "offset", String.valueOf(offset),
                    "length", String.valueOf(chunkSize)), slice(offset, chunkSize));
        }

        private Draft putFile(int offset) {
            int length = content.length - offset;
            long size = twist == Twist.SIZE_NOT_OFFSET_PLUS_LENGTH ? content.length + 1 : content.length;
            String sha256 = twist == Twist.WRONG_SHA256 ? Bodies.sha256(new byte[] {42}) : Bodies.sha256(content);
            Map<String, String> fields = fields("file", path, seq, "offset", String.valueOf(offset),
                    "length", String.valueOf(length), "size", String.valueOf(size), "sha256", quoted(sha256),
                    "mode", mode, "mtimeNanos", mtime);
            byte[] body = slice(offset, length);
            if (twist == Twist.BODY_SHORTER && length > 0) {
                body = Arrays.copyOf(body, length - 1);
            } else if (twist == Twist.BODY_LONGER) {
                body = Arrays.copyOf(body, length + 1);
            }
            return new Draft(fields, body);
        }

        /** The content bytes at offset, padded with zeros past the end (for a chunk that lies about where it is). */
        private byte[] slice(int offset, int length) {
            byte[] bytes = new byte[length];
            if (offset < content.length) {
                System.arraycopy(content, offset, bytes, 0, Math.min(length, content.length - offset));
            }
            return bytes;
        }
    }

    private static Map<String, String> fields(String kind, String path, long seq, String... more) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("kind", quoted(kind));
        fields.put("path", quoted(path));
        fields.put("seq", String.valueOf(seq));
        for (int i = 0; i < more.length; i += 2) {
            fields.put(more[i], more[i + 1]);
        }
        return fields;
    }

    private static Map<String, String> put(Map<String, String> fields, String name, String rawValue) {
        fields.put(name, rawValue);
        return fields;
    }

    private static String quoted(String text) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
    }

    /** Field values are raw JSON, so any value, valid JSON or not, can be placed in any field. */
    private static String json(Map<String, String> fields) {
        StringBuilder json = new StringBuilder("{");
        fields.forEach((name, value) -> {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append(quoted(name)).append(':').append(value);
        });
        return json.append('}').toString();
    }
}
