package dev.ferry.wire;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.wire.RepairMessage.RepairDescribe;
import dev.ferry.wire.RepairMessage.RepairDone;
import dev.ferry.wire.RepairMessage.RepairEntries;
import dev.ferry.wire.RepairMessage.RepairRequest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Repair messages to and from JSON in ASCII ({@link WireText}). Reading is strict like
 * {@link EventCodec}'s (an unknown, missing or repeated field, a value out of range: rejected with
 * the reason) and streams: the text is never held whole, no more than {@code maxBytes} of it are
 * read, and a collection is refused as soon as it outgrows its bound, so what a hostile message
 * costs is bounded by {@link RepairMessage#MAX_DIRECTORIES} and {@link RepairMessage#MAX_ENTRIES}.
 */
final class RepairCodec {

    private static final ObjectMapper MAPPER = WireText.asciiJson()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private RepairCodec() {
    }

    /** The message's JSON, ASCII only. */
    static byte[] toJson(RepairMessage message) {
        try {
            return MAPPER.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + RepairMessages.kindOf(message), e);
        }
    }

    /**
     * The message of {@code kind} ({@link RepairMessages#kindOf}) that {@code json} holds.
     *
     * @throws WireFormatException naming the reason: malformed or not ASCII, longer than
     *                             {@code maxBytes}, an unknown kind, or a value the message refuses
     */
    static RepairMessage fromJson(String kind, InputStream json, long maxBytes) throws WireFormatException {
        try (JsonParser parser = MAPPER.createParser(new BoundedAscii(json, maxBytes))) {
            RepairMessage message = switch (kind) {
                case "RepairRequest" -> request(new Fields(kind, parser));
                case "RepairDescribe" -> describe(new Fields(kind, parser));
                case "RepairEntries" -> entries(new Fields(kind, parser));
                case "RepairDone" -> done(new Fields(kind, parser));
                default -> throw new WireFormatException("unknown repair message kind: " + WireText.escape(kind));
            };
            if (parser.nextToken() != null) {
                throw new WireFormatException("a " + kind + " has text after its end");
            }
            return message;
        } catch (JsonProcessingException e) {
            throw new WireFormatException("a " + kind + ": "
                    + JsonProblems.describe(e, "entry type", "repair message"));
        } catch (IOException e) {
            throw new WireFormatException("a " + kind + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new WireFormatException("an invalid " + kind + ": " + e.getMessage());
        }
    }

    private static RepairRequest request(Fields fields) throws IOException, WireFormatException {
        fields.read(Map.of("id", Fields::text, "mirror", Fields::text, "digests", RepairCodec::digests));
        return new RepairRequest(fields.get("id"), fields.get("mirror"), fields.get("digests"));
    }

    private static RepairDescribe describe(Fields fields) throws IOException, WireFormatException {
        fields.read(Map.of("id", Fields::text, "directories", RepairCodec::directories));
        return new RepairDescribe(fields.get("id"), fields.get("directories"));
    }

    private static RepairEntries entries(Fields fields) throws IOException, WireFormatException {
        fields.read(Map.of("id", Fields::text, "listings", RepairCodec::listings));
        return new RepairEntries(fields.get("id"), fields.get("listings"));
    }

    private static RepairDone done(Fields fields) throws IOException, WireFormatException {
        fields.read(Map.of("id", Fields::text, "sent", Fields::number));
        return new RepairDone(fields.get("id"), fields.<Long>get("sent"));
    }

    private static Map<String, DirectoryDigest> digests(Fields fields) throws IOException, WireFormatException {
        Map<String, DirectoryDigest> digests = new HashMap<>();
        fields.object("digests", RepairMessage.MAX_DIRECTORIES, (path, parser) -> digests.put(path,
                parser.currentToken() == JsonToken.VALUE_NULL ? null
                        : MAPPER.readValue(parser, DirectoryDigest.class)));
        return digests;
    }

    private static List<String> directories(Fields fields) throws IOException, WireFormatException {
        List<String> directories = new ArrayList<>();
        fields.array("directories", RepairMessage.MAX_DIRECTORIES, parser -> directories.add(Fields.text(fields)));
        return directories;
    }

    private static Map<String, List<ListedEntry>> listings(Fields fields) throws IOException, WireFormatException {
        Map<String, List<ListedEntry>> listings = new LinkedHashMap<>();
        int[] entries = {0};
        fields.object("listings", RepairMessage.MAX_DIRECTORIES, (directory, parser) -> {
            List<ListedEntry> listing = new ArrayList<>();
            fields.array("a listing", RepairMessage.MAX_ENTRIES, element -> {
                if (++entries[0] > RepairMessage.MAX_ENTRIES) {
                    throw new WireFormatException("more than " + RepairMessage.MAX_ENTRIES
                            + " entries in its listings");
                }
                listing.add(MAPPER.readValue(element, ListedEntry.class));
            });
            listings.put(directory, listing);
        });
        return listings;
    }

    /** Reads one value off the parser, which stands on its first token. */
    private interface ValueReader {
        void read(JsonParser parser) throws IOException, WireFormatException;
    }

    /** Reads one member of an object, whose name is given, off the parser, which stands on its value. */
    private interface MemberReader {
        void read(String name, JsonParser parser) throws IOException, WireFormatException;
    }

    /** Reads the value of a top-level field. */
    private interface FieldReader {
        Object read(Fields fields) throws IOException, WireFormatException;
    }

    /** The top-level object of one message, read field by field. */
    private static final class Fields {
        private final String kind;
        private final JsonParser parser;
        private final Map<String, Object> values = new HashMap<>();

        Fields(String kind, JsonParser parser) {
            this.kind = kind;
            this.parser = parser;
        }

        /** Reads the object, each field with its reader; every field is required, and no other allowed. */
        void read(Map<String, FieldReader> readers) throws IOException, WireFormatException {
            expect(parser.nextToken(), JsonToken.START_OBJECT, kind);
            for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
                String name = parser.currentName();
                FieldReader reader = readers.get(name);
                if (reader == null) {
                    throw new WireFormatException("unknown field '" + WireText.escape(name) + "' in a " + kind);
                }
                parser.nextToken();
                values.put(name, reader.read(this));
            }
            for (String name : readers.keySet()) {
                if (!values.containsKey(name)) {
                    throw new WireFormatException("a " + kind + " without its field '" + name + "'");
                }
            }
        }

        @SuppressWarnings("unchecked")
        <T> T get(String name) {
            return (T) values.get(name);
        }

        static String text(Fields fields) throws IOException, WireFormatException {
            expect(fields.parser.currentToken(), JsonToken.VALUE_STRING, "a text");
            return fields.parser.getText();
        }

        static Long number(Fields fields) throws IOException, WireFormatException {
            expect(fields.parser.currentToken(), JsonToken.VALUE_NUMBER_INT, "a whole number");
            return fields.parser.getLongValue();
        }

        /** Reads an object of at most {@code max} members, each with {@code member}. */
        void object(String what, int max, MemberReader member) throws IOException, WireFormatException {
            expect(parser.currentToken(), JsonToken.START_OBJECT, what + " as an object");
            int count = 0;
            for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
                if (++count > max) {
                    throw new WireFormatException("more than " + max + " in " + what);
                }
                String name = parser.currentName();
                parser.nextToken();
                member.read(name, parser);
            }
        }

        /** Reads an array of at most {@code max} elements, each with {@code element}. */
        void array(String what, int max, ValueReader element) throws IOException, WireFormatException {
            expect(parser.currentToken(), JsonToken.START_ARRAY, what + " as an array");
            int count = 0;
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
                if (token == null) {
                    throw new WireFormatException("the JSON ends inside " + what);
                }
                if (++count > max) {
                    throw new WireFormatException("more than " + max + " in " + what);
                }
                element.read(parser);
            }
        }

        private static void expect(JsonToken token, JsonToken wanted, String what) throws WireFormatException {
            if (token != wanted) {
                throw new WireFormatException("expected " + what + ", found " + (token == null ? "the end" : token));
            }
        }
    }

    /** The JSON as read: refused past {@code max} bytes, or at a byte that is not ASCII. */
    private static final class BoundedAscii extends FilterInputStream {
        private final long max;
        private long read;

        BoundedAscii(InputStream in, long max) {
            super(in);
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
                check(b);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count(n);
                for (int i = offset; i < offset + n; i++) {
                    check(buffer[i] & 0xff);
                }
            }
            return n;
        }

        private void count(int n) throws IOException {
            read += n;
            if (read > max) {
                throw new IOException("its JSON is longer than " + max + " bytes");
            }
        }

        private static void check(int b) throws IOException {
            if (b >= 0x80) {
                throw new IOException("its JSON is not ASCII, so something on the way changed what was written");
            }
        }
    }
}
