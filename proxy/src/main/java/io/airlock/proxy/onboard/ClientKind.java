package io.airlock.proxy.onboard;

import java.util.Locale;

/** The MCP clients whose configs {@code airlock import} reads and rewrites; each is one agent identity. */
public enum ClientKind {
    CLAUDE("claude", "Claude Code", "claude-code"),
    CURSOR("cursor", "Cursor", "cursor"),
    VSCODE("vscode", "VS Code", "vscode"),
    CODEX("codex", "Codex", "codex");

    private final String id;
    private final String title;
    private final String agent;

    ClientKind(String id, String title, String agent) {
        this.id = id;
        this.title = title;
        this.agent = agent;
    }

    /** As written on the command line: claude, cursor, vscode, codex. */
    public String id() {
        return id;
    }

    public String title() {
        return title;
    }

    /** The agent name its token carries, and policies match. */
    public String agent() {
        return agent;
    }

    public static ClientKind of(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        for (ClientKind k : values()) {
            if (k.id.equals(t) || k.agent.equals(t) || k.name().toLowerCase(Locale.ROOT).equals(t)) {
                return k;
            }
        }
        if (t.equals("code") || t.equals("vs-code")) {
            return VSCODE;
        }
        throw new IllegalArgumentException("unknown client '" + text + "' (expected one of: claude, cursor, vscode, "
                + "codex)");
    }
}
