package io.airlock.tui;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import com.googlecode.lanterna.screen.Screen;
import io.airlock.tui.client.AdminClient;
import io.airlock.tui.client.AdminEvent;
import io.airlock.tui.client.EventStream;
import io.airlock.tui.client.Reply;
import io.airlock.tui.view.Action;
import io.airlock.tui.view.Key;
import io.airlock.tui.view.ModelEvent;
import io.airlock.tui.view.OperatorScreen;
import io.airlock.tui.view.OperatorView;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The TUI's loop, on one thread: keys and model events in, the screen redrawn. It never waits on the network: every
 * request runs on a virtual thread and its answer comes back through {@link #inbox} as a {@link ModelEvent}.
 */
public final class TuiApp {

    /** How many gate decisions to load into the tail on (re)connect. */
    static final int TAIL_FETCH = 50;

    private final Screen screen;
    private final AdminClient client;
    private final OperatorView view;
    private final OperatorScreen painter;
    private final Clock clock;
    private final EventStream.Backoff backoff;
    private final BlockingQueue<ModelEvent> inbox = new LinkedBlockingQueue<>();
    private final Set<String> detailsInFlight = ConcurrentHashMap.newKeySet();
    private volatile boolean stopped;

    public TuiApp(Screen screen, AdminClient client, OperatorView view, OperatorScreen painter, Clock clock,
                  EventStream.Backoff backoff) {
        this.screen = Objects.requireNonNull(screen, "screen");
        this.client = Objects.requireNonNull(client, "client");
        this.view = Objects.requireNonNull(view, "view");
        this.painter = Objects.requireNonNull(painter, "painter");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.backoff = Objects.requireNonNull(backoff, "backoff");
    }

    /** Runs until {@code q}, end of input, or {@link #stop()}; restores the terminal on the way out. */
    public void run() throws IOException, InterruptedException {
        screen.startScreen();
        screen.setCursorPosition(null);
        EventStream events = new EventStream(client, new EventStream.Listener() {
            @Override
            public void event(AdminEvent event) {
                inbox.add(new ModelEvent.Server(event));
            }

            @Override
            public void disconnected(String why, Duration retryIn) {
                inbox.add(new ModelEvent.ConnectionLost(why, clock.instant().plus(retryIn)));
            }
        }, backoff, Duration.ofSeconds(40));
        events.start();
        try {
            loop();
        } finally {
            events.close();
            screen.stopScreen();
        }
    }

    /** Ends {@link #run()} from another thread (tests, shutdown). */
    public void stop() {
        stopped = true;
    }

    private void loop() throws IOException, InterruptedException {
        long drawnSecond = -1;
        boolean dirty = true;
        while (!stopped) {
            KeyStroke stroke;
            while ((stroke = screen.pollInput()) != null) {
                if (stroke.getKeyType() == KeyType.EOF) {
                    return;
                }
                Key key = toKey(stroke);
                if (key != null) {
                    if (perform(view.key(key, clock.instant()))) {
                        return;
                    }
                    dirty = true;
                }
            }
            ModelEvent event;
            while ((event = inbox.poll()) != null) {
                perform(view.apply(event, clock.instant()));
                dirty = true;
            }
            TerminalSize resized = screen.doResizeIfNecessary();
            Instant now = clock.instant();
            // Ages and countdowns change every second even when nothing else does.
            if (dirty || resized != null || now.getEpochSecond() != drawnSecond) {
                painter.draw(view, screen.newTextGraphics(), screen.getTerminalSize(), now);
                screen.refresh(resized != null ? Screen.RefreshType.COMPLETE : Screen.RefreshType.DELTA);
                drawnSecond = now.getEpochSecond();
                dirty = false;
            }
            ModelEvent next = inbox.poll(30, TimeUnit.MILLISECONDS);
            if (next != null) {
                perform(view.apply(next, clock.instant()));
                dirty = true;
            }
        }
    }

    /** Starts each action off the UI thread; true when the operator asked to quit. */
    private boolean perform(List<Action> actions) {
        boolean quit = false;
        for (Action action : actions) {
            switch (action) {
                case Action.Send send -> Thread.ofVirtual().name("airlock-tui-decide").start(() ->
                        inbox.add(new ModelEvent.Answered(send.decision(), client.decide(send.decision()))));
                case Action.FetchDetail fetch -> {
                    if (detailsInFlight.add(fetch.id())) {
                        Thread.ofVirtual().name("airlock-tui-detail").start(() -> fetchDetail(fetch.id()));
                    }
                }
                case Action.FetchRecentDecisions fetch -> Thread.ofVirtual().name("airlock-tui-decisions").start(() -> {
                    // Best effort: without it the tail fills from live events.
                    if (client.decisions(TAIL_FETCH) instanceof Reply.Ok(var decisions)) {
                        inbox.add(new ModelEvent.RecentDecisions(decisions));
                    }
                });
                case Action.Quit q -> quit = true;
            }
        }
        return quit;
    }

    private void fetchDetail(String id) {
        try {
            inbox.add(switch (client.detail(id)) {
                case Reply.Ok(var detail) -> new ModelEvent.DetailLoaded(detail);
                case Reply.Refused(int status, String message) -> new ModelEvent.DetailFailed(id,
                        status == 404 ? "no longer held" : status + " " + message);
                case Reply.Unauthorized() -> new ModelEvent.DetailFailed(id, "the admin token was refused");
                case Reply.Unreachable(String cause) -> new ModelEvent.DetailFailed(id, cause);
            });
        } finally {
            detailsInFlight.remove(id);
        }
    }

    static Key toKey(KeyStroke stroke) {
        return switch (stroke.getKeyType()) {
            case Character -> stroke.isCtrlDown() || stroke.isAltDown() ? null : Key.of(stroke.getCharacter());
            case ArrowUp -> Key.Special.UP;
            case ArrowDown -> Key.Special.DOWN;
            case PageUp -> Key.Special.PAGE_UP;
            case PageDown -> Key.Special.PAGE_DOWN;
            case Enter -> Key.Special.ENTER;
            case Escape -> Key.Special.ESCAPE;
            case Backspace -> Key.Special.BACKSPACE;
            default -> null;
        };
    }
}
