package io.airlock.receipts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where receipts live. A receipts directory holds {@code receipts-<seq>.jsonl} files, {@code <seq>} being the
 * zero-padded seq of the file's first line, so that name order is chain order; the newest file is the one being
 * written. The default state directory is {@code -Dairlock.stateDir}, else {@code $AIRLOCK_STATE_DIR}, else
 * {@code ~/.airlock}; receipts go to {@code <state>/receipts} and the signing key to {@code <state>/keys}.
 */
public final class ReceiptFiles {

    private static final Pattern NAME = Pattern.compile("receipts-(\\d{20})\\.jsonl");

    private ReceiptFiles() {
    }

    /** The file name for a file whose first line has {@code firstSeq}. */
    public static String name(long firstSeq) {
        return "receipts-%020d.jsonl".formatted(firstSeq);
    }

    /** The seq in a receipts file name, if it is one. */
    public static Optional<Long> firstSeq(Path file) {
        Matcher matcher = NAME.matcher(file.getFileName().toString());
        return matcher.matches() ? Optional.of(Long.parseLong(matcher.group(1))) : Optional.empty();
    }

    /** The receipts files in {@code dir}, in chain order; empty if the directory does not exist. */
    public static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            List<Path> files = new ArrayList<>(entries.filter(p -> firstSeq(p).isPresent()).toList());
            files.sort(Comparator.comparing(p -> firstSeq(p).orElseThrow()));
            return files;
        }
    }

    /** Airlock's state directory (admin token, remembered approvals, receipts, keys): one rule for all of them. */
    public static Path defaultStateDir() {
        String explicit = System.getProperty("airlock.stateDir", System.getenv("AIRLOCK_STATE_DIR"));
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        return Path.of(System.getProperty("user.home"), ".airlock");
    }

    public static Path receiptsDir(Path stateDir) {
        return stateDir.resolve("receipts");
    }

    public static Path keyDir(Path stateDir) {
        return stateDir.resolve("keys");
    }
}
