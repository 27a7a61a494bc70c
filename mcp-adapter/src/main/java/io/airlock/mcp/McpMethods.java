package io.airlock.mcp;

/** MCP method names Airlock acts on. Everything else is relayed without interpretation. */
public final class McpMethods {

    public static final String INITIALIZE = "initialize";
    public static final String INITIALIZED = "notifications/initialized";
    public static final String SERVER_DISCOVER = "server/discover";
    public static final String PING = "ping";
    public static final String TOOLS_LIST = "tools/list";
    public static final String TOOLS_CALL = "tools/call";
    public static final String RESOURCES_READ = "resources/read";
    public static final String PROMPTS_GET = "prompts/get";
    public static final String CANCELLED = "notifications/cancelled";
    public static final String PROGRESS = "notifications/progress";

    private McpMethods() {}

    /** The methods whose calls go through the gate: they act, or reveal data, on the agent's behalf. */
    public static boolean isGated(String method) {
        return TOOLS_CALL.equals(method) || RESOURCES_READ.equals(method) || PROMPTS_GET.equals(method);
    }
}
