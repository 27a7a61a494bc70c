package io.airlock.policy.classifier;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's policy text: one or more Markdown files, joined in order, re-read when any of them changes. Editing
 * the text re-steers the classifier with no restart; its hash goes into the verdict cache key, so a verdict reached
 * under the old text is never reused under the new one.
 *
 * <p>Changes are noticed by the files' modification time, size and inode, checked by {@link #current()} (a stat per
 * file; the classifier calls it every 250 ms on its timer thread): a file an editor renames into place is a new
 * inode, and there is no watch service to miss events on bind mounts. A file that disappears (mid-rename) or cannot
 * be read keeps the text in force; an empty policy is never silently swapped in.
 */
public final class PolicyText {

    private static final Logger log = LoggerFactory.getLogger(PolicyText.class);

    /** Everything past this is not sent: a prompt has a budget, and a runaway file should not blow it. */
    static final int MAX_CHARS = 64 * 1024;

    /** The text in force and its hash. */
    public record Snapshot(String text, String hash) {}

    private record Stamp(Object fileKey, java.nio.file.attribute.FileTime modified, long size) {}

    private final List<Path> files;
    private List<Stamp> stamps;
    private volatile Snapshot current;

    /** Reads every file now; a missing or unreadable file stops start-up. */
    public PolicyText(List<Path> files) throws IOException {
        this.files = files.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        List<Stamp> first = stamps();
        if (first == null) {
            throw new NoSuchFileException(String.join(", ", this.files.stream().map(Path::toString).toList()));
        }
        this.current = read();
        this.stamps = first;
    }

    /** The text in force, without looking at the disk (the classifier's timer calls {@link #current()}). */
    public Snapshot snapshot() {
        return current;
    }

    /** The text in force, re-read first if a file changed on disk. */
    public synchronized Snapshot current() {
        List<Stamp> now = stamps();
        if (now != null && !now.equals(stamps)) {
            try {
                Snapshot next = read();
                stamps = now;
                if (!next.hash().equals(current.hash())) {
                    log.info("classifier policy text reloaded: {} -> {}", current.hash().substring(0, 12),
                            next.hash().substring(0, 12));
                    current = next;
                }
            } catch (IOException e) {
                log.error("classifier policy text changed but could not be read; the previous text stays: {}",
                        e.getMessage());
            }
        }
        return current;
    }

    public List<Path> files() {
        return files;
    }

    /** Null when a file is missing (perhaps for a moment, while an editor renames it into place). */
    private List<Stamp> stamps() {
        List<Stamp> out = new ArrayList<>(files.size());
        for (Path file : files) {
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                out.add(new Stamp(Objects.requireNonNullElse(a.fileKey(), file), a.lastModifiedTime(),
                        a.size()));
            } catch (IOException e) {
                return null;
            }
        }
        return out;
    }

    private Snapshot read() throws IOException {
        StringBuilder text = new StringBuilder();
        for (Path file : files) {
            if (!text.isEmpty()) {
                text.append("\n\n");
            }
            text.append(Files.readString(file, StandardCharsets.UTF_8).strip());
        }
        String joined = text.length() > MAX_CHARS ? text.substring(0, MAX_CHARS) : text.toString();
        if (text.length() > MAX_CHARS) {
            log.warn("classifier policy text is {} characters; only the first {} are sent", text.length(), MAX_CHARS);
        }
        return new Snapshot(joined, sha256(joined));
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
