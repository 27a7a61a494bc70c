package io.airlock.receipts;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The receipt log writer. Any thread may {@link #append} and is never blocked: the entry is encoded on the caller's
 * thread and queued (bounded); one writer thread assigns seqs, chains, writes in batches and forces them to disk per
 * {@code fsyncInterval} (group commit), signs checkpoints and rotates files.
 * <p>
 * <b>Fail closed.</b> When the queue is full, or once a write, sync or rotation has failed (disk full, permissions,
 * I/O error), {@link #append} refuses with a reason, and {@link #healthy()} is false for good: the gateway must then
 * stop forwarding gated calls rather than act unaudited. A failed log does not heal itself; restarting reopens the
 * chain from the last good line.
 * <p>
 * <b>Crash recovery.</b> {@link #open} cuts a torn last line (bytes after the last newline), checks that the last
 * complete line decodes, and, when the previous writer did not close cleanly, appends a {@link Recovery} line saying
 * what was cut, then a checkpoint that signs the previously unsigned tail. Damage further back is not repaired here:
 * that is what {@code airlock audit verify} reports.
 */
public final class ReceiptLog implements AutoCloseable {

    /**
     * How the log writes.
     *
     * @param dir                the receipts directory (created if missing)
     * @param key                the checkpoint signing key
     * @param queueCapacity      appends waiting for the writer before further appends are refused
     * @param maxBatch           lines written per batch at most
     * @param fsyncInterval      how long written lines may wait for {@code force()}; zero forces after every batch
     * @param checkpointEvery    a checkpoint after this many lines
     * @param checkpointInterval a checkpoint after this much time with unsigned lines
     * @param maxFileBytes       rotate when the active file reaches this size
     * @param maxFileAge         rotate when the active file's first line is this old
     * @param clock              for entry times and file age
     * @param channels           opens the files written to (tests inject failures here)
     */
    public record Options(Path dir, Signing.Key key, int queueCapacity, int maxBatch, Duration fsyncInterval,
                          int checkpointEvery, Duration checkpointInterval, long maxFileBytes, Duration maxFileAge,
                          Clock clock, ChannelOpener channels) {
        public Options {
            Objects.requireNonNull(dir, "dir");
            Objects.requireNonNull(key, "key");
            positive("queueCapacity", queueCapacity);
            positive("maxBatch", maxBatch);
            positive("checkpointEvery", checkpointEvery);
            positive("maxFileBytes", maxFileBytes);
            if (fsyncInterval.isNegative() || checkpointInterval.isNegative() || checkpointInterval.isZero()
                    || maxFileAge.isNegative() || maxFileAge.isZero()) {
                throw new IllegalArgumentException("fsyncInterval/checkpointInterval/maxFileAge: " + fsyncInterval
                        + "/" + checkpointInterval + "/" + maxFileAge + " (expected: >= 0 / > 0 / > 0)");
            }
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(channels, "channels");
        }

        private static void positive(String name, long value) {
            if (value <= 0) {
                throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
            }
        }

        /** 64 Ki queue, batches of 4096, fsync every 10 ms, a checkpoint per 1000 lines or 60 s, 64 MiB / 1 day files. */
        public static Options defaults(Path dir, Signing.Key key) {
            return new Options(dir, key, 65_536, 4096, Duration.ofMillis(10), 1000, Duration.ofSeconds(60),
                    64L << 20, Duration.ofDays(1), Clock.systemUTC(), ChannelOpener.FILES);
        }

        public Options withQueueCapacity(int value) {
            return new Options(dir, key, value, maxBatch, fsyncInterval, checkpointEvery, checkpointInterval,
                    maxFileBytes, maxFileAge, clock, channels);
        }

        public Options withFsyncInterval(Duration value) {
            return new Options(dir, key, queueCapacity, maxBatch, value, checkpointEvery, checkpointInterval,
                    maxFileBytes, maxFileAge, clock, channels);
        }

        public Options withCheckpoints(int every, Duration interval) {
            return new Options(dir, key, queueCapacity, maxBatch, fsyncInterval, every, interval, maxFileBytes,
                    maxFileAge, clock, channels);
        }

        public Options withRotation(long bytes, Duration age) {
            return new Options(dir, key, queueCapacity, maxBatch, fsyncInterval, checkpointEvery, checkpointInterval,
                    bytes, age, clock, channels);
        }

        public Options withClock(Clock value) {
            return new Options(dir, key, queueCapacity, maxBatch, fsyncInterval, checkpointEvery, checkpointInterval,
                    maxFileBytes, maxFileAge, value, channels);
        }

        public Options withChannels(ChannelOpener value) {
            return new Options(dir, key, queueCapacity, maxBatch, fsyncInterval, checkpointEvery, checkpointInterval,
                    maxFileBytes, maxFileAge, clock, value);
        }
    }

    /** Opens a receipts file for appending. */
    @FunctionalInterface
    public interface ChannelOpener {
        ChannelOpener FILES = file -> FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);

        FileChannel open(Path file) throws IOException;
    }

    /** The answer to an append. */
    public sealed interface Append {
        /** Queued; {@code ticket} can be passed to {@link #awaitDurable}. */
        record Accepted(long ticket) implements Append {
        }

        /** Not recorded, and it will not be: the gateway must not forward the call. */
        record Refused(String reason) implements Append {
        }
    }

    /** Running totals, for metrics and the benchmark. */
    public record Counters(long accepted, long refusedQueueFull, long refusedFailed, long linesWritten,
                           long checkpoints, long syncs, long durableTicket) {
    }

    private static final Pending CLOSE = new Pending(-1, new byte[0], null, 0);

    /**
     * A queued line: its encoded body, or the entry to build and encode on the writer thread; {@code queuedNanos}
     * for the write lag.
     */
    private record Pending(long ticket, byte[] body, java.util.function.Supplier<? extends Entry> later,
                           long queuedNanos) {
    }


    private final Options options;
    /** One slot more than the capacity: reserved for {@link #CLOSE}, so closing never blocks. */
    private final ArrayBlockingQueue<Pending> queue;
    private final Object appendLock = new Object();
    private final Object durableMonitor = new Object();
    private final MessageDigest digest = Hashes.newDigest();
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
    private final LongAdder accepted = new LongAdder();
    private final LongAdder refusedQueueFull = new LongAdder();
    private final LongAdder refusedFailed = new LongAdder();
    private final Optional<Recovery> recovery;
    private final Thread writer;

    // Guarded by appendLock.
    private long nextTicket = 1;
    private boolean closing;

    private volatile String failure;
    private volatile long durableTicket;
    private volatile long linesWritten;
    private volatile long checkpoints;
    private volatile long syncs;
    private volatile java.util.function.LongConsumer writeLag = nanos -> { };

    // Owned by the writer thread (and by open() before the writer starts).
    private FileChannel channel;
    private Path file;
    private long fileBytes;
    private long fileLines;
    private Instant fileStarted;
    private long nextSeq;
    private String prev;
    private long linesSinceCheckpoint;
    private boolean lastIsCheckpoint;
    private long lastCheckpointNanos;
    private long lastForceNanos;
    private boolean dirty;
    private long writtenTicket;
    /** When the oldest line written since the last force was queued; 0 when none is waiting for a force. */
    private long oldestUnforcedNanos;

    private ReceiptLog(Options options) throws IOException {
        this.options = options;
        this.queue = new ArrayBlockingQueue<>(options.queueCapacity() + 1);
        try {
            this.recovery = openChain();
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
        this.writer = Thread.ofVirtual().name("airlock-receipts-writer").start(this::runWriter);
    }

    /**
     * Opens (or starts) the chain in {@code options.dir()}, recovering from an unclean stop, and starts the writer.
     * Throws when the directory, the newest file or the key cannot be used, with a message that says which and why.
     */
    public static ReceiptLog open(Options options) throws IOException {
        return new ReceiptLog(options);
    }

    /** The recovery line written at open, if the previous writer had not closed cleanly. */
    public Optional<Recovery> recovery() {
        return recovery;
    }

    /**
     * Queues a receipt or traffic line. Never blocks; encodes on the calling thread. Refused when the log has failed,
     * is closed, or its queue is full.
     */
    public Append append(Entry entry) {
        checkAppendable(entry);
        String failed = failure;
        if (failed != null) {
            refusedFailed.increment();
            return new Append.Refused(failed);
        }
        return enqueue(ReceiptCodec.encodeBody(entry), null);
    }

    /**
     * Like {@link #append}, but the entry is built and encoded on the writer thread: admission (and so the refusal a
     * caller must act on) is decided now, the work later, off a latency-critical caller such as an event loop. An
     * entry that fails to build fails the log (fail closed), like a failed write.
     */
    public Append appendLater(java.util.function.Supplier<? extends Entry> entry) {
        String failed = failure;
        if (failed != null) {
            refusedFailed.increment();
            return new Append.Refused(failed);
        }
        return enqueue(null, entry);
    }

    private static void checkAppendable(Entry entry) {
        if (!(entry instanceof Receipt) && !(entry instanceof CallResult) && !(entry instanceof Traffic)) {
            throw new IllegalArgumentException("only receipts and traffic can be appended (got a " + entry.type()
                    + " line; the log writes those itself)");
        }
    }

    private Append enqueue(byte[] body, java.util.function.Supplier<? extends Entry> later) {
        synchronized (appendLock) {
            if (closing) {
                refusedFailed.increment();
                return new Append.Refused("the receipt log is closed");
            }
            if (queue.size() >= options.queueCapacity()) {
                refusedQueueFull.increment();
                return new Append.Refused("the receipt log is " + options.queueCapacity()
                        + " entries behind (disk too slow?); the call was not recorded");
            }
            long ticket = nextTicket++;
            queue.add(new Pending(ticket, body, later, System.nanoTime()));
            accepted.increment();
            return new Append.Accepted(ticket);
        }
    }

    /** Whether appends are being recorded. False once a write failed, and after close. */
    public boolean healthy() {
        return failure == null && !isClosing();
    }

    /** Why the log stopped recording, if it did. */
    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    /**
     * Waits until the entry appended with {@code ticket} (and everything before it) has been forced to disk.
     *
     * @return true when durable, false when the timeout passed first
     * @throws IOException when the log failed before the entry became durable
     */
    public boolean awaitDurable(long ticket, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (durableMonitor) {
            while (durableTicket < ticket) {
                if (failure != null) {
                    throw new IOException(failure);
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(durableMonitor, remaining);
            }
            return true;
        }
    }

    /**
     * Reports, after each fsync, how long the oldest line it made durable had waited since it was queued (the
     * write lag, group-commit interval included). Called on the writer thread: it must be fast and never block.
     */
    public void onWriteLag(java.util.function.LongConsumer nanos) {
        this.writeLag = java.util.Objects.requireNonNull(nanos, "nanos");
    }

    /** Lines queued and not yet durable (accepted minus forced), for a gauge. */
    public long backlog() {
        return Math.max(0, accepted.sum() - durableTicket);
    }

    public Counters counters() {
        return new Counters(accepted.sum(), refusedQueueFull.sum(), refusedFailed.sum(), linesWritten, checkpoints,
                syncs, durableTicket);
    }

    /** Stops accepting, writes what is queued, a final checkpoint, forces and closes. */
    @Override
    public void close() throws IOException {
        synchronized (appendLock) {
            if (closing) {
                return;
            }
            closing = true;
            queue.add(CLOSE);
        }
        try {
            if (!writer.join(Duration.ofSeconds(30))) {
                throw new IOException("the receipt writer did not finish within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while closing the receipt log", e);
        }
        if (failure != null) {
            throw new IOException(failure);
        }
    }

    private boolean isClosing() {
        synchronized (appendLock) {
            return closing;
        }
    }

    // ---- opening and recovery -------------------------------------------------------------------------------------

    private Optional<Recovery> openChain() throws IOException {
        Path dir = options.dir();
        Files.createDirectories(dir);
        List<Path> files = ReceiptFiles.list(dir);
        Tail tail = null;
        int index = files.size() - 1;
        Path active = files.isEmpty() ? null : files.getLast();
        long cut = 0;
        String cutDigest = "";
        if (active != null) {
            if (!Files.isRegularFile(active)) {
                throw new IOException(active + ": not a regular file; the receipt log cannot continue in it");
            }
            try (FileChannel read = FileChannel.open(active, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                long size = read.size();
                long lastNewline = lastIndexOf(read, size);
                cut = size - (lastNewline + 1);
                if (cut > 0) {
                    ByteBuffer torn = ByteBuffer.allocate((int) Math.min(cut, ReceiptReader.MAX_LINE_BYTES));
                    read.read(torn, lastNewline + 1);
                    cutDigest = Hashes.sha256(torn.array(), 0, torn.position());
                    read.truncate(lastNewline + 1);
                    read.force(true);
                }
            }
            // Walk back to the newest complete line (an empty newest file takes the previous file's last line).
            while (tail == null && index >= 0) {
                tail = lastLine(files.get(index));
                index--;
            }
        }
        Optional<Recovery> recovered = Optional.empty();
        if (tail == null) {
            // A new chain (or a newest file that was nothing but a torn first line).
            file = active != null ? active : dir.resolve(ReceiptFiles.name(0));
            channel = options.channels().open(file);
            fileBytes = channel.size();
            fileStarted = options.clock().instant();
            syncDirectory();
            nextSeq = 0;
            prev = Hashes.ZERO;
            writeLine(ReceiptCodec.encodeBody(new Genesis(options.clock().instant(), options.key().keyId())));
            if (cut > 0) {
                recovered = Optional.of(writeRecovery(cut, cutDigest, "the log held only a torn first line"));
            }
        } else {
            if (tail.entry() instanceof Checkpoint checkpoint
                    && !checkpoint.keyId().equals(options.key().keyId())) {
                throw new IOException(dir + ": the chain was signed with key " + checkpoint.keyId() + " but the "
                        + "signing key is " + options.key().keyId() + "; restore that key or start a new receipts "
                        + "directory");
            }
            file = active;
            channel = options.channels().open(file);
            fileBytes = channel.size();
            fileLines = fileBytes > 0 ? 1 : 0;
            fileStarted = firstLineTime(active).orElse(options.clock().instant());
            nextSeq = tail.seq() + 1;
            prev = tail.hash();
            lastIsCheckpoint = tail.entry() instanceof Checkpoint;
            if (cut > 0) {
                recovered = Optional.of(writeRecovery(cut, cutDigest, "a torn last line of " + cut + " bytes (no "
                        + "newline) was cut after seq " + tail.seq()));
            } else if (!lastIsCheckpoint) {
                recovered = Optional.of(writeRecovery(0, "", "the previous writer stopped after seq " + tail.seq()
                        + " without a closing checkpoint"));
            }
        }
        if (recovered.isPresent()) {
            writeCheckpoint();
        }
        flushBuffer();
        force();
        lastCheckpointNanos = System.nanoTime();
        return recovered;
    }

    private Recovery writeRecovery(long cutBytes, String cutDigest, String reason) throws IOException {
        Recovery recovery = new Recovery(options.clock().instant(), file.getFileName().toString(), cutBytes,
                cutDigest, reason);
        writeLine(ReceiptCodec.encodeBody(recovery));
        return recovery;
    }

    private record Tail(long seq, String hash, Entry entry) {
    }

    /** The last complete line of {@code file}, or null when it has none. Damage there stops the open. */
    private static Tail lastLine(Path file) throws IOException {
        try (FileChannel read = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = read.size();
            if (size == 0) {
                return null;
            }
            long end = lastIndexOf(read, size);
            if (end != size - 1) {
                throw new IOException(file + " does not end with a newline; run airlock audit verify");
            }
            long start = lastIndexOf(read, end) + 1;
            if (end - start > ReceiptReader.MAX_LINE_BYTES) {
                throw new IOException(file + ": its last line is longer than " + ReceiptReader.MAX_LINE_BYTES
                        + " bytes; run airlock audit verify");
            }
            ByteBuffer bytes = ByteBuffer.allocate((int) (end - start));
            while (bytes.hasRemaining() && read.read(bytes, start + bytes.position()) > 0) {
                // read fully
            }
            try {
                Line line = ReceiptCodec.decode(bytes.array());
                return new Tail(line.seq(), Hashes.sha256(bytes.array()), line.entry());
            } catch (ReceiptFormatException e) {
                throw new IOException(file + ": its last complete line is damaged (" + e.getMessage() + "); run "
                        + "airlock audit verify, and move the receipts away to start a new chain", e);
            }
        }
    }

    private static Optional<Instant> firstLineTime(Path file) throws IOException {
        List<Instant> first = new ArrayList<>(1);
        ReceiptReader.read(List.of(file), line -> {
            try {
                first.add(ReceiptCodec.decode(line.bytes()).entry().time());
            } catch (ReceiptFormatException e) {
                // The age of a damaged file is unknown: it is then counted from now.
            }
            return false;
        });
        return first.stream().findFirst();
    }

    /** The position of the last {@code '\n'} before {@code before}, or -1. */
    private static long lastIndexOf(FileChannel channel, long before) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        long end = before;
        while (end > 0) {
            long start = Math.max(0, end - chunk.capacity());
            chunk.clear().limit((int) (end - start));
            while (chunk.hasRemaining() && channel.read(chunk, start + chunk.position()) > 0) {
                // read fully
            }
            for (int i = chunk.position() - 1; i >= 0; i--) {
                if (chunk.get(i) == '\n') {
                    return start + i;
                }
            }
            end = start;
        }
        return -1;
    }

    // ---- the writer thread ----------------------------------------------------------------------------------------

    private void runWriter() {
        List<Pending> batch = new ArrayList<>(options.maxBatch());
        long fsyncNanos = options.fsyncInterval().toNanos();
        long checkpointNanos = options.checkpointInterval().toNanos();
        try {
            while (true) {
                long now = System.nanoTime();
                // Idle, the writer still wakes once a second to rotate a file that has grown old.
                long wait = TimeUnit.SECONDS.toNanos(1);
                if (linesSinceCheckpoint > 0) {
                    wait = Math.min(wait, checkpointNanos - (now - lastCheckpointNanos));
                }
                if (dirty) {
                    wait = Math.min(wait, fsyncNanos - (now - lastForceNanos));
                }
                Pending first = queue.poll(Math.max(0, wait), TimeUnit.NANOSECONDS);
                boolean close = false;
                if (first != null && first != CLOSE) {
                    // Group commit: let the lines of this fsync interval gather and write them at once. Waking and
                    // writing for every line cost a wake-up and a write(2) per call, most of the log's CPU.
                    long gather = lastForceNanos + fsyncNanos - System.nanoTime();
                    if (gather > 0 && queue.size() < options.maxBatch() - 1) {
                        java.util.concurrent.locks.LockSupport.parkNanos(gather);
                    }
                }
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, options.maxBatch() - 1);
                    for (Pending pending : batch) {
                        if (pending == CLOSE) {
                            close = true;
                            break;
                        }
                        writeLine(encode(pending));
                        writtenTicket = pending.ticket();
                        if (oldestUnforcedNanos == 0) {
                            oldestUnforcedNanos = pending.queuedNanos();
                        }
                        if (linesSinceCheckpoint >= options.checkpointEvery()) {
                            writeCheckpoint();
                        }
                    }
                    batch.clear();
                    flushBuffer();
                }
                now = System.nanoTime();
                if (close) {
                    if (!lastIsCheckpoint) {
                        writeCheckpoint();
                    }
                    flushBuffer();
                    force();
                    channel.close();
                    return;
                }
                if (linesSinceCheckpoint > 0 && now - lastCheckpointNanos >= checkpointNanos) {
                    writeCheckpoint();
                    flushBuffer();
                }
                if (dirty && now - lastForceNanos >= fsyncNanos) {
                    force();
                }
                if (fileLines > 0 && (fileBytes >= options.maxFileBytes() || !options.clock().instant()
                        .isBefore(fileStarted.plus(options.maxFileAge())))) {
                    rotate();
                }
            }
        } catch (Throwable e) {
            fail(e);
        }
    }

    /**
     * The body of a queued line. An entry accepted for later that cannot be built or encoded fails the log: its
     * call may already be forwarded, so Airlock must stop acting rather than go on with a gap in the record.
     */
    private static byte[] encode(Pending pending) {
        if (pending.later() == null) {
            return pending.body();
        }
        try {
            Entry built = pending.later().get();
            checkAppendable(built);
            return ReceiptCodec.encodeBody(built);
        } catch (RuntimeException e) {
            throw new IllegalStateException("a receipt could not be built (" + e + ")", e);
        }
    }

    private void writeLine(byte[] body) throws IOException {
        byte[] line = ReceiptCodec.line(nextSeq, prev, body);
        digest.update(line);
        prev = Hashes.format(digest.digest());
        if (buffer.remaining() < line.length + 1) {
            flushBuffer();
        }
        if (buffer.remaining() < line.length + 1) {
            writeFully(ByteBuffer.wrap(line));
            writeFully(ByteBuffer.wrap(new byte[] {'\n'}));
        } else {
            buffer.put(line).put((byte) '\n');
        }
        fileBytes += line.length + 1;
        fileLines++;
        nextSeq++;
        linesSinceCheckpoint++;
        lastIsCheckpoint = false;
        linesWritten++;
    }

    private void writeCheckpoint() throws IOException {
        String signature = Signing.sign(options.key().privateKey(), Signing.checkpointMessage(nextSeq, prev));
        writeLine(ReceiptCodec.encodeBody(new Checkpoint(options.clock().instant(), options.key().keyId(),
                signature)));
        linesSinceCheckpoint = 0;
        lastIsCheckpoint = true;
        lastCheckpointNanos = System.nanoTime();
        checkpoints++;
    }

    private void flushBuffer() throws IOException {
        buffer.flip();
        writeFully(buffer);
        buffer.clear();
        dirty = true;
    }

    private void writeFully(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    private void force() throws IOException {
        channel.force(false);
        lastForceNanos = System.nanoTime();
        dirty = false;
        syncs++;
        synchronized (durableMonitor) {
            durableTicket = writtenTicket;
            durableMonitor.notifyAll();
        }
        if (oldestUnforcedNanos != 0) {
            long lag = lastForceNanos - oldestUnforcedNanos;
            oldestUnforcedNanos = 0;
            try {
                writeLag.accept(lag);
            } catch (RuntimeException e) {
                // A metrics sink must not stop the audit trail.
            }
        }
    }

    /** The active file ends with a checkpoint and is forced before the next one is started. */
    private void rotate() throws IOException {
        if (!lastIsCheckpoint) {
            writeCheckpoint();
        }
        flushBuffer();
        force();
        channel.close();
        file = options.dir().resolve(ReceiptFiles.name(nextSeq));
        channel = options.channels().open(file);
        syncDirectory();
        fileBytes = 0;
        fileLines = 0;
        fileStarted = options.clock().instant();
    }

    private void syncDirectory() throws IOException {
        try (FileChannel directory = FileChannel.open(options.dir(), StandardOpenOption.READ)) {
            directory.force(true);
        }
    }

    private void fail(Throwable cause) {
        String what = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        synchronized (durableMonitor) {
            failure = "receipts cannot be written to " + file + " (" + what + "); Airlock stops forwarding gated "
                    + "calls rather than act unaudited";
            durableMonitor.notifyAll();
        }
        queue.clear();
        try {
            channel.close();
        } catch (IOException | RuntimeException ignored) {
            // Already failed; the first cause is the one reported.
        }
    }
}
