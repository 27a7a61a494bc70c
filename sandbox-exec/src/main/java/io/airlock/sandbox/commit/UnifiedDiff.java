package io.airlock.sandbox.commit;

import io.airlock.sandbox.commit.Change.Kind;
import io.airlock.sandbox.commit.Change.Type;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders a {@link ChangeSet} as a git-flavoured unified diff for the operator: {@code diff --git} headers, file
 * modes (a symlink is mode 120000 with its target as content, as git shows it), three lines of context, "Binary
 * files … differ" for content that is not UTF-8 text. Directories, which a diff cannot express, get {@code #} comment
 * lines (patch tools skip them); a deleted or replaced directory also lists every file it held as deleted.
 *
 * <p>Paths with control characters, quotes or backslashes are C-quoted as git does, so that a file name cannot forge
 * a diff line. The real side is read without following symlinks.
 */
final class UnifiedDiff {

    /** Files larger than this are not diffed line by line. */
    static final int MAX_TEXT_BYTES = 2 << 20;
    private static final int CONTEXT = 3;
    /** Room kept for the truncation note. */
    private static final int NOTE_RESERVE = 200;

    private final ChangeSet set;
    private final int maxBytes;
    private final StringBuilder out = new StringBuilder();
    private long bytes;
    private boolean truncated;

    UnifiedDiff(ChangeSet set, int maxBytes) {
        if (maxBytes < 2 * NOTE_RESERVE) {
            throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: >= " + 2 * NOTE_RESERVE + ")");
        }
        this.set = set;
        this.maxBytes = maxBytes;
    }

    String render() {
        List<Change> changes = set.changes();
        int shown = 0;
        for (Change change : changes) {
            render(change);
            if (truncated) {
                break;
            }
            shown++;
        }
        if (truncated) {
            out.append("\n# diff truncated at ").append(maxBytes).append(" bytes: ").append(shown).append(" of ")
                    .append(changes.size()).append(" changes shown in full\n");
        }
        return out.toString();
    }

    private void render(Change change) {
        Path path = change.path();
        switch (change.kind()) {
            case ADDED -> {
                if (change.type() == Type.DIR) {
                    comment("new directory " + quote(path + "/") + " (mode " + octal(change.mode()) + ")");
                } else {
                    renderAdded(path, change.type(), change.mode());
                }
            }
            case DELETED -> renderDeleted(path, change.type(), change.mode());
            case REPLACED_DIR -> {
                if (change.oldType() == Type.DIR) {
                    renderDeletedDirectory(path, "replaced directory");
                } else {
                    renderDeleted(path, change.oldType(), change.oldMode());
                }
                comment("new directory " + quote(path + "/") + " (mode " + octal(change.mode()) + ")");
            }
            case MODIFIED -> renderModified(change);
        }
    }

    private void renderModified(Change change) {
        Path path = change.path();
        if (change.type() == Type.OTHER) {
            comment("special file " + quote(path.toString()) + " (not committable)");
            return;
        }
        if (change.type() == Type.DIR) {
            comment("directory " + quote(path + "/") + " mode " + octal(change.oldMode()) + " -> "
                    + octal(change.mode()));
            return;
        }
        if (change.oldType() != change.type()) {
            // A file became a symlink or the other way round: git shows that as a deletion and an addition.
            renderDeleted(path, change.oldType(), change.oldMode());
            renderAdded(path, change.type(), change.mode());
            return;
        }
        Content before = real(path, change.type());
        Content after = upper(path, change.type());
        if (change.oldMode() == change.mode() && before.problem() == null && after.problem() == null
                && !before.tooLarge() && !after.tooLarge() && java.util.Arrays.equals(before.bytes(), after.bytes())) {
            comment("rewritten with the same content and mode: " + quote(path.toString()));
            return;
        }
        line("diff --git " + quote("a/" + path) + " " + quote("b/" + path));
        if (change.type() == Type.FILE && change.oldMode() != change.mode()) {
            line("old mode " + gitMode(Type.FILE, change.oldMode()));
            line("new mode " + gitMode(Type.FILE, change.mode()));
        }
        body(path, before, after);
    }

    private void renderAdded(Path path, Type type, int mode) {
        if (type == Type.OTHER) {
            comment("special file " + quote(path.toString()) + " (not committable)");
            return;
        }
        line("diff --git " + quote("a/" + path) + " " + quote("b/" + path));
        line("new file mode " + gitMode(type, mode));
        body(path, Content.NONE, upper(path, type));
    }

    /** A directory that goes away with everything in it: a comment line, then each file in it as deleted. */
    private void renderDeletedDirectory(Path path, String what) {
        List<Path> inside = new ArrayList<>();
        String problem = listReal(path, inside);
        comment(what + " " + quote(path + "/") + " (" + inside.size() + " old entries removed"
                + (problem == null ? "" : "; " + problem) + ")");
        for (Path entry : inside) {
            if (truncated) {
                return;
            }
            try {
                Fs.Stat stat = Fs.lstat(set.workspace().resolve(entry));
                if (stat != null && stat.type() != Type.DIR) {
                    renderDeleted(entry, stat.type(), stat.permissions());
                }
            } catch (IOException e) {
                comment("cannot read " + quote(entry.toString()) + ": " + e.getMessage());
            }
        }
    }

    private void renderDeleted(Path path, Type type, int mode) {
        if (type == Type.DIR) {
            renderDeletedDirectory(path, "deleted directory");
            return;
        }
        if (type == Type.OTHER) {
            comment("deleted special file " + quote(path.toString()));
            return;
        }
        line("diff --git " + quote("a/" + path) + " " + quote("b/" + path));
        line("deleted file mode " + gitMode(type, type == Type.SYMLINK ? 0777 : mode));
        body(path, real(path, type), Content.NONE);
    }

    /** The {@code ---}/{@code +++} lines and hunks, or the note that replaces them. */
    private void body(Path path, Content before, Content after) {
        String a = before == Content.NONE ? "/dev/null" : quote("a/" + path);
        String b = after == Content.NONE ? "/dev/null" : quote("b/" + path);
        if (before.problem() != null || after.problem() != null) {
            comment("cannot show " + quote(path.toString()) + ": "
                    + (before.problem() != null ? before.problem() : after.problem()));
            return;
        }
        if (before.tooLarge() || after.tooLarge()) {
            line("Files " + a + " and " + b + " differ (too large to show)");
            return;
        }
        if (before.binary() || after.binary()) {
            if (!java.util.Arrays.equals(before.bytes(), after.bytes())) {
                line("Binary files " + a + " and " + b + " differ");
            }
            return;
        }
        List<String> old = LineDiff.lines(before.text());
        List<String> now = LineDiff.lines(after.text());
        List<LineDiff.Hunk> hunks = LineDiff.hunks(LineDiff.diff(old, now), CONTEXT);
        if (hunks.isEmpty()) {
            return;
        }
        line("--- " + a);
        line("+++ " + b);
        for (LineDiff.Hunk hunk : hunks) {
            line(hunk.header());
            for (LineDiff.Edit edit : hunk.edits()) {
                String text = switch (edit.op()) {
                    case EQUAL -> " " + now.get(edit.b());
                    case DELETE -> "-" + old.get(edit.a());
                    case INSERT -> "+" + now.get(edit.b());
                };
                if (text.endsWith("\n")) {
                    line(text.substring(0, text.length() - 1));
                } else {
                    line(text);
                    line("\\ No newline at end of file");
                }
            }
        }
    }

    /** A file's content for the diff, or why it is not shown. */
    private record Content(byte[] bytes, String text, boolean binary, boolean tooLarge, String problem) {
        static final Content NONE = new Content(new byte[0], "", false, false, null);

        static Content of(byte[] bytes) {
            for (byte b : bytes) {
                if (b == 0) {
                    return new Content(bytes, null, true, false, null);
                }
            }
            try {
                String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
                return new Content(bytes, text, false, false, null);
            } catch (CharacterCodingException e) {
                return new Content(bytes, null, true, false, null);
            }
        }

        static Content problem(String why) {
            return new Content(new byte[0], null, false, false, why);
        }
    }

    private Content upper(Path path, Type type) {
        return read(set.upper().resolve(path.toString()), type);
    }

    private Content real(Path path, Type type) {
        try {
            if (!Fs.parentsAreDirectories(set.workspace(), path, path.getNameCount() - 1)) {
                return Content.problem("it is gone from the workspace");
            }
        } catch (IOException e) {
            return Content.problem(e.getMessage());
        }
        return read(set.workspace().resolve(path.toString()), type);
    }

    private static Content read(Path file, Type type) {
        try {
            Fs.Stat stat = Fs.lstat(file);
            if (stat == null || stat.type() != type) {
                return Content.problem("it is no longer a " + type.name().toLowerCase());
            }
            if (type == Type.SYMLINK) {
                return Content.of(Files.readSymbolicLink(file).toString().getBytes(StandardCharsets.UTF_8));
            }
            if (stat.size() > MAX_TEXT_BYTES) {
                return new Content(new byte[0], null, false, true, null);
            }
            return Content.of(Fs.readNoFollow(file, MAX_TEXT_BYTES));
        } catch (IOException e) {
            return Content.problem(e.toString());
        }
    }

    /** Every entry under a real directory (not following symlinks), sorted; null or why the listing stopped. */
    private String listReal(Path dir, List<Path> into) {
        Path root = set.workspace();
        try {
            if (!Fs.parentsAreDirectories(root, dir, dir.getNameCount() - 1)) {
                return "gone from the workspace";
            }
            Path start = root.resolve(dir.toString());
            Fs.Stat stat = Fs.lstat(start);
            if (stat == null || stat.type() != Type.DIR) {
                return "no longer a directory";
            }
            Files.walkFileTree(start, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    if (!d.equals(start)) {
                        into.add(root.relativize(d));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    into.add(root.relativize(file));
                    return FileVisitResult.CONTINUE;
                }
            });
            into.sort(null);
            return null;
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    private void comment(String text) {
        line("# " + text);
    }

    private void line(String text) {
        if (truncated) {
            return;
        }
        long size = utf8Length(text) + 1;
        if (bytes + size > maxBytes - NOTE_RESERVE) {
            truncated = true;
            return;
        }
        out.append(text).append('\n');
        bytes += size;
    }

    private static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    private static String gitMode(Type type, int permissions) {
        return type == Type.SYMLINK ? "120000" : String.format("100%03o", permissions & 0777);
    }

    private static String octal(int permissions) {
        return String.format("%03o", permissions & 0777);
    }

    /** git's path quoting: C-style, in double quotes, when the path has a control character, quote or backslash. */
    static String quote(String path) {
        boolean plain = true;
        for (int i = 0; i < path.length() && plain; i++) {
            char c = path.charAt(i);
            plain = c >= 0x20 && c != 0x7f && c != '"' && c != '\\';
        }
        if (plain) {
            return path;
        }
        StringBuilder q = new StringBuilder("\"");
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                case '\t' -> q.append("\\t");
                case '\r' -> q.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        q.append(String.format("\\%03o", (int) c));
                    } else {
                        q.append(c);
                    }
                }
            }
        }
        return q.append('"').toString();
    }
}
