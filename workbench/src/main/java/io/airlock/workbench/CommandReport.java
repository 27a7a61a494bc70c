package io.airlock.workbench;

import java.nio.charset.StandardCharsets;

/**
 * The text {@code run_command} answers with, in one place: the workbench's own runner and Airlock's sandbox (which
 * runs the same command itself, without a twin of this server) both build their result here, so the agent sees the
 * same answer either way.
 */
public final class CommandReport {

    /** Output kept per command; the rest is counted. */
    public static final int MAX_OUTPUT_BYTES = CommandRunner.MAX_OUTPUT_BYTES;
    public static final int DEFAULT_TIMEOUT_SECONDS = WorkbenchTools.DEFAULT_TIMEOUT_SECONDS;
    public static final int MAX_TIMEOUT_SECONDS = WorkbenchTools.MAX_TIMEOUT_SECONDS;

    private CommandReport() {}

    /**
     * @param output           the first {@link #MAX_OUTPUT_BYTES} bytes of stdout and stderr together
     * @param totalOutputBytes all the output seen
     * @param outputIncomplete reading stopped before end of stream (a background process kept it open)
     * @param exitCode         the shell's exit status (ignored when timed out)
     */
    public static String text(int timeoutSeconds, boolean timedOut, byte[] output, long totalOutputBytes,
                              boolean outputIncomplete, int exitCode) {
        StringBuilder text = new StringBuilder();
        if (timedOut) {
            text.append("Command timed out after ").append(timeoutSeconds)
                    .append(" s; the process tree was killed. Output so far:\n");
        }
        String out = new String(output, StandardCharsets.UTF_8);
        if (out.isEmpty()) {
            text.append("(no output)\n");
        } else {
            text.append(out);
            if (!out.endsWith("\n")) {
                text.append('\n');
            }
        }
        if (totalOutputBytes > output.length) {
            text.append("[output truncated: showing the first ").append(output.length).append(" of ")
                    .append(totalOutputBytes).append(" bytes]\n");
        }
        if (outputIncomplete) {
            text.append("[output may be incomplete: a background process still holds the output open]\n");
        }
        if (timedOut) {
            text.append("exit code: none (timed out)");
        } else {
            text.append("exit code: ").append(exitCode);
        }
        return text.toString();
    }

    public static boolean isError(boolean timedOut, int exitCode) {
        return timedOut || exitCode != 0;
    }
}
