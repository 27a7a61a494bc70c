package io.airlock.tui.view;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.TextCharacter;
import com.googlecode.lanterna.screen.TerminalScreen;
import com.googlecode.lanterna.terminal.virtual.DefaultVirtualTerminal;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** A Lanterna screen on a {@link DefaultVirtualTerminal}, read back as text rows: what a person would see. */
public final class VirtualScreen {

    private final DefaultVirtualTerminal terminal;
    private final TerminalScreen screen;

    public VirtualScreen(int columns, int rows) throws IOException {
        terminal = new DefaultVirtualTerminal(new TerminalSize(columns, rows));
        screen = new TerminalScreen(terminal);
        screen.startScreen();
    }

    public DefaultVirtualTerminal terminal() {
        return terminal;
    }

    public TerminalScreen screen() {
        return screen;
    }

    /** Draws the view and flushes it to the virtual terminal. */
    public void draw(OperatorScreen painter, OperatorView view, java.time.Instant now) throws IOException {
        screen.doResizeIfNecessary();
        painter.draw(view, screen.newTextGraphics(), screen.getTerminalSize(), now);
        screen.refresh(TerminalScreen.RefreshType.COMPLETE);
    }

    /** The terminal's rows as strings, trailing spaces removed. */
    public List<String> rows() {
        TerminalSize size = terminal.getTerminalSize();
        List<String> rows = new ArrayList<>();
        for (int row = 0; row < size.getRows(); row++) {
            StringBuilder line = new StringBuilder();
            for (int column = 0; column < size.getColumns(); column++) {
                TextCharacter c = terminal.getCharacter(column, row);
                if (c.isDoubleWidth()) {
                    column++; // the next cell is the second half of this character
                }
                line.append(c.getCharacterString());
            }
            rows.add(line.toString().stripTrailing());
        }
        return rows;
    }

    public String text() {
        return String.join("\n", rows());
    }

    /** Whether the cell at the start of {@code needle} on its row is drawn reversed (the selection, the bars). */
    public boolean reversedAt(int row, int column) {
        return terminal.getCharacter(column, row).isReversed();
    }
}
