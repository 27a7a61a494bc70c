package io.airlock.tui;

import com.googlecode.lanterna.screen.Screen;
import com.googlecode.lanterna.screen.TerminalScreen;
import com.googlecode.lanterna.terminal.DefaultTerminalFactory;
import io.airlock.tui.client.AdminClient;
import io.airlock.tui.client.EventStream;
import io.airlock.tui.view.OperatorScreen;
import io.airlock.tui.view.OperatorView;
import java.io.IOException;
import java.time.Clock;
import java.time.ZoneId;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code airlock tui}: the operator's terminal UI for held calls. */
@Command(name = "tui", description = "Watch and decide held calls in a terminal UI (connects to the admin API).")
public final class TuiCommand implements Callable<Integer> {

    @Mixin
    AdminOptions adminOptions = new AdminOptions();

    @Option(names = "--operator", paramLabel = "NAME", description = "Name recorded with your decisions "
            + "(default: the user name).")
    String operator = System.getProperty("user.name", "operator");

    @Override
    public Integer call() throws Exception {
        AdminClient client;
        try {
            client = adminOptions.connect();
        } catch (IOException e) {
            System.err.println("airlock tui: " + e.getMessage());
            return 2;
        }
        // A text terminal even without a console: never a Swing window, which a person over SSH could not see.
        DefaultTerminalFactory factory = new DefaultTerminalFactory().setForceTextTerminal(true);
        Screen screen = new TerminalScreen(factory.createTerminal());
        TuiApp app = new TuiApp(screen, client, new OperatorView(operator),
                new OperatorScreen(client.base().getAuthority(), ZoneId.systemDefault()), Clock.systemUTC(),
                EventStream.Backoff.DEFAULT);
        app.run();
        return 0;
    }
}
