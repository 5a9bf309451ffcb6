package dev.ferry.ignore;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Ferry's ignore rules answer as git does: for each row of a table of patterns and paths, the
 * path is created in a fresh repository whose {@code .gitignore} holds the patterns, git is asked
 * ({@code git check-ignore --no-index -v}), and {@link IgnoreRules} must agree with it, and both
 * with the answer the row expects.
 */
class IgnoreRulesMatchGitTest {

    private static final boolean FILE = false;
    private static final boolean DIRECTORY = true;
    private static final boolean IGNORED = true;
    private static final boolean KEPT = false;

    @TempDir
    Path work;

    /** One question: with these lines in .gitignore, is this path ignored? */
    record Row(List<String> rules, String path, boolean isDirectory, boolean expected) {
        @Override
        public String toString() {
            return String.join(" | ", rules) + "  ?  " + path + (isDirectory ? "/" : "")
                    + "  →  " + (expected ? "ignored" : "kept");
        }
    }

    static List<Row> table() {
        List<Row> rows = new ArrayList<>();
        // A name pattern matches at any depth.
        rows.add(row("*.c", "a.c", FILE, IGNORED));
        rows.add(row("*.c", "dir/sub/a.c", FILE, IGNORED));
        rows.add(row("*.c", "a.cc", FILE, KEPT));
        rows.add(row("*.c", "x.c", DIRECTORY, IGNORED));
        rows.add(row("*.TXT", "a.txt", FILE, KEPT)); // case-sensitive
        // A leading slash anchors to the root; a slash inside anchors too.
        rows.add(row("/a", "a", FILE, IGNORED));
        rows.add(row("/a", "b/a", FILE, KEPT));
        rows.add(row("foo/bar", "foo/bar", FILE, IGNORED));
        rows.add(row("foo/bar", "x/foo/bar", FILE, KEPT));
        rows.add(row("doc/*.txt", "doc/a.txt", FILE, IGNORED));
        rows.add(row("doc/*.txt", "doc/sub/a.txt", FILE, KEPT));
        // A trailing slash matches directories only, and everything in them.
        rows.add(row("dir/", "dir", DIRECTORY, IGNORED));
        rows.add(row("dir/", "dir", FILE, KEPT));
        rows.add(row("dir/", "x/dir", DIRECTORY, IGNORED));
        rows.add(row("dir/", "dir/f", FILE, IGNORED));
        rows.add(row("a/", "a/b/c/d.txt", FILE, IGNORED));
        rows.add(row("*/", "d", DIRECTORY, IGNORED));
        rows.add(row("*/", "f", FILE, KEPT));
        // ** in its three places.
        rows.add(row("**/foo", "foo", FILE, IGNORED));
        rows.add(row("**/foo", "a/b/foo", FILE, IGNORED));
        rows.add(row("**/foo", "a/foo/bar", FILE, IGNORED));
        rows.add(row("a/**", "a/b", FILE, IGNORED));
        rows.add(row("a/**", "a/b/c", FILE, IGNORED));
        rows.add(row("a/**", "a", DIRECTORY, KEPT));
        rows.add(row("a/**/b", "a/b", FILE, IGNORED));
        rows.add(row("a/**/b", "a/x/b", FILE, IGNORED));
        rows.add(row("a/**/b", "a/x/y/b", FILE, IGNORED));
        rows.add(row("a/**/b", "ab", FILE, KEPT));
        rows.add(row("**/dir/", "x/y/dir", DIRECTORY, IGNORED));
        rows.add(row("**/dir/", "x/y/dir", FILE, KEPT));
        rows.add(row("foo/**/", "foo/a", DIRECTORY, IGNORED));
        rows.add(row("foo/**/", "foo/a", FILE, KEPT));
        rows.add(row("d/**/*.c", "d/x.c", FILE, IGNORED));
        rows.add(row("d/**/*.c", "d/e/f/x.c", FILE, IGNORED));
        rows.add(row("**foo", "d/xfoo", FILE, IGNORED)); // not next to a slash: a plain *
        rows.add(row("a/*/b", "a/x/b", FILE, IGNORED));
        rows.add(row("a/*/b", "a/x/y/b", FILE, KEPT));
        // Negation: the last matching line wins, but not inside an ignored directory.
        rows.add(row(List.of("*.log", "!keep.log"), "x.log", FILE, IGNORED));
        rows.add(row(List.of("*.log", "!keep.log"), "d/keep.log", FILE, KEPT));
        rows.add(row(List.of("!keep.log", "*.log"), "keep.log", FILE, IGNORED));
        rows.add(row(List.of("build/", "!build/keep"), "build/keep", FILE, IGNORED));
        rows.add(row(List.of("/logs/*", "!/logs/x.log"), "logs/x.log", FILE, KEPT));
        rows.add(row(List.of("/logs/*", "!/logs/x.log"), "logs/y.log", FILE, IGNORED));
        rows.add(row(List.of("/*", "!/keep/"), "keep/file", FILE, KEPT));
        rows.add(row(List.of("/*", "!/keep/"), "other/file", FILE, IGNORED));
        rows.add(row(List.of("*.c", "!/src/*.c"), "src/a.c", FILE, KEPT));
        rows.add(row(List.of("*.c", "!/src/*.c"), "src/d/a.c", FILE, IGNORED));
        rows.add(row("!*.c", "a.c", FILE, KEPT));
        // Comments, blank lines and escapes.
        rows.add(row("#file", "#file", FILE, KEPT));
        rows.add(row("\\#file", "#file", FILE, IGNORED));
        rows.add(row("\\!important", "!important", FILE, IGNORED));
        rows.add(row(List.of("x", "", "# a comment", "y"), "y", FILE, IGNORED));
        rows.add(row("\\*star", "*star", FILE, IGNORED));
        rows.add(row("\\*star", "xstar", FILE, KEPT));
        rows.add(row("\\[x]", "[x]", FILE, IGNORED));
        rows.add(row("a\\\\b", "a\\b", FILE, IGNORED));
        // Trailing spaces are dropped unless escaped; leading ones are kept.
        rows.add(row("foo   ", "foo", FILE, IGNORED));
        rows.add(row("bar\\ ", "bar ", FILE, IGNORED));
        rows.add(row("bar\\ ", "bar", FILE, KEPT));
        rows.add(row("  lead", "  lead", FILE, IGNORED));
        rows.add(row("  lead", "lead", FILE, KEPT));
        // Wildcards and character classes.
        rows.add(row("?.md", "a.md", FILE, IGNORED));
        rows.add(row("?.md", "ab.md", FILE, KEPT));
        rows.add(row("[abc].txt", "a.txt", FILE, IGNORED));
        rows.add(row("[abc].txt", "d.txt", FILE, KEPT));
        rows.add(row("[!a].txt", "a.txt", FILE, KEPT));
        rows.add(row("[!a].txt", "b.txt", FILE, IGNORED));
        rows.add(row("[^a].txt", "b.txt", FILE, IGNORED));
        rows.add(row("[a-c]x", "bx", FILE, IGNORED));
        rows.add(row("[a-c]x", "dx", FILE, KEPT));
        rows.add(row("*.[oa]", "lib.a", FILE, IGNORED));
        rows.add(row("*.[oa]", "lib.so", FILE, KEPT));
        rows.add(row("[]]x", "]x", FILE, IGNORED));
        rows.add(row("[a-]x", "-x", FILE, IGNORED));
        rows.add(row("[[:digit:]]*.log", "1a.log", FILE, IGNORED));
        rows.add(row("[[:digit:]]*.log", "a1.log", FILE, KEPT));
        rows.add(row("a[", "a[", FILE, KEPT)); // an unclosed class matches nothing
        rows.add(row(".*", "d/.hidden", FILE, IGNORED));
        rows.add(row("*", "d/e", FILE, IGNORED));
        // Ferry's defaults, as git reads them.
        List<String> defaults = IgnoreSettings.DEFAULT_EXCLUDES;
        rows.add(row(defaults, "notes/.todo.txt.swp", FILE, IGNORED));
        rows.add(row(defaults, "report.doc~", FILE, IGNORED));
        rows.add(row(defaults, "src/.#Main.java", FILE, IGNORED));
        rows.add(row(defaults, "src/4913", FILE, IGNORED));
        rows.add(row(defaults, "photos/.DS_Store", FILE, IGNORED));
        rows.add(row(defaults, "download.tmp", FILE, IGNORED));
        rows.add(row(defaults, "49130", FILE, KEPT));
        rows.add(row(defaults, "notes/todo.txt", FILE, KEPT));
        return rows;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void ferryAgreesWithGit(Row row) throws Exception {
        boolean git = gitCheckIgnore(row);
        boolean ferry = IgnoreRules.of(List.of(new IgnoreRules.Source(".gitignore", row.rules())))
                .isIgnored(row.path(), row.isDirectory());

        assertThat(git).as("git's answer (the table's expectation is wrong otherwise)").isEqualTo(row.expected());
        assertThat(ferry).as("Ferry's answer, git's being %s", git).isEqualTo(git);
    }

    @Test
    void theTableIsLargeAndAsksBothWays() {
        List<Row> rows = table();
        assertThat(rows).hasSizeGreaterThanOrEqualTo(40).doesNotHaveDuplicates();
        assertThat(rows.stream().filter(Row::expected).count()).isGreaterThan(20);
        assertThat(rows.stream().filter(row -> !row.expected()).count()).isGreaterThan(20);
    }

    private static Row row(String rule, String path, boolean isDirectory, boolean expected) {
        return row(List.of(rule), path, isDirectory, expected);
    }

    private static Row row(List<String> rules, String path, boolean isDirectory, boolean expected) {
        return new Row(rules, path, isDirectory, expected);
    }

    /** git's answer, in a repository of its own with only this row's .gitignore and path in it. */
    private boolean gitCheckIgnore(Row row) throws IOException, InterruptedException {
        Path repository = Files.createTempDirectory(work, "repo");
        git(repository, "", "init", "--quiet");
        Files.writeString(repository.resolve(".gitignore"), String.join("\n", row.rules()) + "\n");
        Path path = repository.resolve(row.path());
        Files.createDirectories(path.getParent());
        if (row.isDirectory()) {
            Files.createDirectory(path);
        } else {
            Files.writeString(path, "x");
        }
        // -z: the path and the pattern come back between NULs, whatever characters they hold.
        String answer = git(repository, row.path() + "\0", "check-ignore", "--no-index", "--verbose",
                "--non-matching", "--stdin", "-z");
        String[] fields = answer.split("\0", -1); // source, line number, pattern, path
        assertThat(fields.length).as("git's answer %s", answer.replace('\0', '|')).isGreaterThanOrEqualTo(4);
        assertThat(fields[3]).isEqualTo(row.path());
        String pattern = fields[2];
        return !pattern.isEmpty() && !pattern.startsWith("!");
    }

    /** Runs git without the machine's or the user's configuration, so only the row's .gitignore counts. */
    private String git(Path directory, String input, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
        Map<String, String> environment = builder.environment();
        environment.put("GIT_CONFIG_NOSYSTEM", "1");
        environment.put("GIT_CONFIG_GLOBAL", "/dev/null");
        environment.put("HOME", work.toString());
        environment.put("XDG_CONFIG_HOME", work.toString());
        Process git;
        try {
            git = builder.start();
        } catch (IOException e) {
            throw new IOException("this test needs git on the PATH: " + e.getMessage(), e);
        }
        try (var stdin = git.getOutputStream()) {
            stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
        byte[] out = git.getInputStream().readAllBytes();
        String err = new String(git.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(git.waitFor(30, TimeUnit.SECONDS)).as("git %s finished", command).isTrue();
        // check-ignore exits 1 when nothing is ignored; more is a failure.
        assertThat(git.exitValue()).as("git %s failed: %s", command, err).isLessThanOrEqualTo(1);
        return new String(out, StandardCharsets.UTF_8);
    }
}
