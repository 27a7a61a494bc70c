package io.airlock.policy.rules;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads a policy file when it changes on disk. The file is validated in full before anything is swapped: a broken
 * edit is reported and the running revision stays in force (fail safe: an operator's typo never opens the gate).
 *
 * <p>The parent directory is watched rather than the file, because editors and config management usually replace a
 * file by renaming a new one over it. Events are debounced (editors write in several steps), and a reload only
 * happens when the file's text actually changed, so touching the file is not a new revision. A slow poll backs the
 * watch service up on file systems where it misses events (bind mounts, network file systems).
 */
public final class PolicyFileWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PolicyFileWatcher.class);

    /** What a reload attempt came to, for logs, the admin API and tests. */
    public sealed interface Outcome {
        record Reloaded(Policy policy) implements Outcome {}

        /** The file changed but is not a valid policy: the previous revision stays in force. */
        record Rejected(String error) implements Outcome {}
    }

    private final Path file;
    private final Consumer<Policy> onReload;
    private final Consumer<Outcome> onOutcome;
    private final Duration debounce;
    private final Duration poll;
    private final WatchService watcher;
    private final Thread thread;
    private volatile String lastText;
    private volatile boolean closed;

    /**
     * Starts watching. {@code current} is the text the running policy was loaded from, so the first event for an
     * unchanged file is ignored.
     */
    public PolicyFileWatcher(Path file, String current, Consumer<Policy> onReload, Consumer<Outcome> onOutcome,
                             Duration debounce, Duration poll) throws IOException {
        this.file = file.toAbsolutePath().normalize();
        this.onReload = Objects.requireNonNull(onReload, "onReload");
        this.onOutcome = onOutcome == null ? o -> { } : onOutcome;
        this.debounce = debounce;
        this.poll = poll;
        this.lastText = current;
        this.watcher = FileSystems.getDefault().newWatchService();
        this.file.getParent().register(watcher, StandardWatchEventKinds.ENTRY_CREATE,
                StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
        this.thread = Thread.ofVirtual().name("policy-watch").start(this::run);
    }

    /** Watches with the defaults: 200 ms debounce, a poll every 5 s. */
    public static PolicyFileWatcher start(Path file, Consumer<Policy> onReload) throws IOException {
        String text = Files.readString(file);
        return new PolicyFileWatcher(file, text, onReload, null, Duration.ofMillis(200), Duration.ofSeconds(5));
    }

    private void run() {
        while (!closed) {
            try {
                WatchKey key = watcher.poll(poll.toMillis(), TimeUnit.MILLISECONDS);
                if (key != null) {
                    boolean ours = key.pollEvents().stream().anyMatch(event -> event.context() instanceof Path p
                            && file.getFileName().equals(p));
                    key.reset();
                    if (!ours) {
                        continue;
                    }
                    Thread.sleep(debounce);
                    // Collapse the burst of events an editor's save produces into one reload.
                    WatchKey more;
                    while ((more = watcher.poll()) != null) {
                        more.pollEvents();
                        more.reset();
                    }
                }
                check();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            } catch (RuntimeException e) {
                log.error("policy watcher: {}", e.toString(), e);
            }
        }
    }

    /** Reloads if the file's text changed since the last successful or rejected load. Visible for tests. */
    void check() {
        String text;
        try {
            if (!Files.exists(file)) {
                // Mid-rename, or deleted: keep the running policy; a missing file is not an empty policy.
                return;
            }
            text = Files.readString(file);
        } catch (IOException e) {
            report(new Outcome.Rejected("cannot read " + file + ": " + e.getMessage()));
            return;
        }
        if (text.equals(lastText)) {
            return;
        }
        lastText = text;
        try {
            Policy next = PolicyLoader.parse(text, file.toString());
            onReload.accept(next);
            report(new Outcome.Reloaded(next));
        } catch (PolicyException e) {
            report(new Outcome.Rejected(e.getMessage()));
        }
    }

    private void report(Outcome outcome) {
        if (outcome instanceof Outcome.Rejected rejected) {
            log.error("policy {} changed but was NOT reloaded; the previous revision stays in force: {}", file,
                    rejected.error());
        }
        onOutcome.accept(outcome);
    }

    @Override
    public void close() {
        closed = true;
        try {
            watcher.close();
        } catch (IOException e) {
            log.debug("closing the policy watcher: {}", e.toString());
        }
        thread.interrupt();
    }
}
