package io.airlock.receipts;

import java.io.IOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks a receipt chain: every line complete and well-formed, seqs consecutive from the genesis, each {@code prev}
 * the hash of the line before, every checkpoint signed by the given public key, and the log closed by a checkpoint.
 * Stops at the first fault and says where it is and what is wrong; editing, deleting, reordering or truncating any
 * line is caught, and rewriting the chain to hide it is caught by the next checkpoint's signature.
 */
public final class ChainVerifier {

    private ChainVerifier() {
    }

    /**
     * @param key     the public key checkpoints must be signed with; null checks only the hash chain (said in the
     *                report's notes)
     * @param live    the log may still be written to: an unsigned tail and a torn last line are notes, not faults
     * @param partial the files need not start at the genesis (older files archived): the first line's link backwards
     *                is not checked
     */
    public record Options(PublicKey key, boolean live, boolean partial) {
        public static Options withKey(PublicKey key) {
            return new Options(Objects.requireNonNull(key, "key"), false, false);
        }
    }

    /**
     * The first thing wrong.
     *
     * @param seq the seq of the line at fault, -1 when the line is unreadable
     */
    public record Fault(Path file, long line, long seq, String what) {
        public String place() {
            return file + ":" + line;
        }

        @Override
        public String toString() {
            return place() + (seq >= 0 ? " (seq " + seq + ")" : "") + ": " + what;
        }
    }

    /** What was checked, and the first fault if any. */
    public record Report(int files, long lines, long receipts, long checkpoints, long recoveries, long lastSeq,
                         long lastSignedSeq, List<String> notes, Optional<Fault> fault) {
        public boolean ok() {
            return fault.isEmpty();
        }
    }

    /** Verifies the receipts files in {@code dir}. */
    public static Report verifyDirectory(Path dir, Options options) throws IOException {
        return verify(ReceiptFiles.list(dir), options);
    }

    /** Verifies {@code files}; receipts file names are put in chain order, other names are taken as given. */
    public static Report verify(List<Path> files, Options options) throws IOException {
        List<Path> ordered = new ArrayList<>(files);
        if (ordered.stream().allMatch(f -> ReceiptFiles.firstSeq(f).isPresent())) {
            ordered.sort(Comparator.comparing(f -> ReceiptFiles.firstSeq(f).orElseThrow()));
        }
        State state = new State(options, ordered.isEmpty() ? null : ordered.getLast());
        if (options.key() == null) {
            state.notes.add("no public key given: the hash chain was checked, the checkpoint signatures were not");
        }
        try {
            for (Path file : ordered) {
                state.startFile(file);
                ReceiptReader.read(List.of(file), state::line);
                if (state.fault != null) {
                    break;
                }
                if (state.linesInFile == 0) {
                    state.notes.add(file + " is empty");
                }
            }
        } catch (IOException e) {
            if (state.fault == null) {
                state.fault = new Fault(state.file, state.lineNumber + 1, -1, "unreadable: " + e.getMessage());
            }
        }
        state.finish();
        return new Report(ordered.size(), state.lines, state.receipts, state.checkpoints, state.recoveries,
                state.previousSeq, state.lastSignedSeq, List.copyOf(state.notes), Optional.ofNullable(state.fault));
    }

    private static final class State {
        private final Options options;
        private final Path lastFile;
        private final String expectedKeyId;
        private final List<String> notes = new ArrayList<>();
        private Fault fault;
        private Path file;
        private long lineNumber;
        private long linesInFile;
        private long lines;
        private long receipts;
        private long checkpoints;
        private long recoveries;
        private long previousSeq = -1;
        private String previousHash;
        private Path previousFile;
        private long previousLine;
        private boolean previousIsCheckpoint;
        private long lastSignedSeq = -1;

        State(Options options, Path lastFile) {
            this.options = options;
            this.lastFile = lastFile;
            this.expectedKeyId = options.key() == null ? null : Signing.keyId(options.key());
        }

        void startFile(Path file) {
            this.file = file;
            this.lineNumber = 0;
            this.linesInFile = 0;
        }

        boolean line(ReceiptReader.RawLine raw) {
            lineNumber = raw.number();
            linesInFile++;
            if (!raw.terminated()) {
                if (options.live() && file.equals(lastFile)) {
                    notes.add(raw.place() + ": incomplete last line (" + raw.bytes().length + " bytes, no newline):"
                            + " a write in progress, or a torn write the next open will cut");
                    return false;
                }
                return fault(-1, "incomplete line: no newline at its end (the file was truncated or torn here)");
            }
            Line line;
            try {
                line = ReceiptCodec.decode(raw.bytes());
            } catch (ReceiptFormatException e) {
                return fault(-1, "not a receipt line: " + e.getMessage());
            }
            String hash = Hashes.sha256(raw.bytes());
            long seq = line.seq();
            if (linesInFile == 1) {
                Optional<Long> named = ReceiptFiles.firstSeq(file);
                if (named.isPresent() && named.get() != seq) {
                    return fault(seq, "the file name says it starts at seq " + named.get() + " but its first line "
                            + "is seq " + seq + " (files renamed, or lines moved between files)");
                }
            }
            if (previousHash == null) {
                if (!(line.entry() instanceof Genesis)) {
                    if (!options.partial()) {
                        return fault(seq, "the chain does not start with a genesis line (this is a "
                                + line.entry().type() + " at seq " + seq + "): earlier files are missing or were "
                                + "deleted; give them too, or --partial to check from here on");
                    }
                    notes.add("checked from seq " + seq + " on (--partial): its link to earlier lines is not checked");
                } else if (seq != 0 || !line.prev().equals(Hashes.ZERO)) {
                    return fault(seq, "a genesis line must have seq 0 and prev " + Hashes.ZERO);
                }
            } else {
                if (seq > previousSeq + 1) {
                    return fault(seq, "seq " + seq + " follows seq " + previousSeq + " (" + place(previousFile,
                            previousLine) + "): " + (seq - previousSeq - 1) + " line(s) missing (deleted?)");
                }
                if (seq <= previousSeq) {
                    return fault(seq, "seq " + seq + " comes after seq " + previousSeq + " (" + place(previousFile,
                            previousLine) + "): lines were reordered or duplicated");
                }
                if (!line.prev().equals(previousHash)) {
                    // Consecutive seqs but a broken link: the previous line is not the one this line was chained to.
                    fault = new Fault(previousFile, previousLine, previousSeq, "this line is not the one the next "
                            + "line (seq " + seq + ", " + raw.place() + ") was chained to: it was edited or replaced "
                            + "(its hash is " + previousHash + ", the next line's prev is " + line.prev() + ")");
                    return false;
                }
            }
            switch (line.entry()) {
                case Genesis genesis -> {
                    if (previousHash != null) {
                        return fault(seq, "a second genesis line: another chain was spliced in here");
                    }
                    if (expectedKeyId != null && !genesis.keyId().equals(expectedKeyId)) {
                        return fault(seq, "the chain was started for key " + genesis.keyId() + " but the given "
                                + "public key is " + expectedKeyId);
                    }
                }
                case Checkpoint checkpoint -> {
                    if (expectedKeyId != null) {
                        if (!checkpoint.keyId().equals(expectedKeyId)) {
                            return fault(seq, "checkpoint signed with key " + checkpoint.keyId() + " but the given "
                                    + "public key is " + expectedKeyId);
                        }
                        if (!Signing.verify(options.key(), Signing.checkpointMessage(seq, line.prev()),
                                checkpoint.signature())) {
                            return fault(seq, "invalid checkpoint signature: the lines before it were changed after "
                                    + "they were signed, or the checkpoint was forged");
                        }
                    }
                    checkpoints++;
                    lastSignedSeq = seq;
                }
                case Recovery recovery -> {
                    recoveries++;
                    notes.add(raw.place() + ": recovery: " + recovery.reason()
                            + (recovery.cutBytes() > 0 ? " (" + recovery.cutBytes() + " bytes cut, "
                            + recovery.cutDigest() + ")" : ""));
                }
                case Receipt ignored -> receipts++;
                case Traffic ignored -> {
                    // Counted as a line; traffic is chained and signed like receipts.
                }
                case CallResult ignored -> {
                    // The ending of a forwarded call; chained and signed like its receipt.
                }
            }
            lines++;
            previousSeq = seq;
            previousHash = hash;
            previousFile = file;
            previousLine = raw.number();
            previousIsCheckpoint = line.entry() instanceof Checkpoint;
            return true;
        }

        void finish() {
            if (fault != null) {
                return;
            }
            if (lines == 0) {
                if (file == null) {
                    fault = new Fault(Path.of("."), 0, -1, "no receipts files given or found");
                } else if (!options.live()) {
                    fault = new Fault(file, 0, -1, "no receipt lines");
                }
                return;
            }
            if (!previousIsCheckpoint) {
                String unsigned = "the lines after seq " + lastSignedSeq + " (up to seq " + previousSeq
                        + ") are not covered by a signed checkpoint";
                if (options.live()) {
                    notes.add(unsigned + " yet");
                } else {
                    fault = new Fault(previousFile, previousLine, previousSeq, "the log ends without a closing "
                            + "checkpoint: " + unsigned + " (lines were cut from the end, or a writer is still "
                            + "running: then use --live)");
                }
            }
        }

        private boolean fault(long seq, String what) {
            fault = new Fault(file, lineNumber, seq, what);
            return false;
        }

        private static String place(Path file, long line) {
            return file + ":" + line;
        }
    }
}
