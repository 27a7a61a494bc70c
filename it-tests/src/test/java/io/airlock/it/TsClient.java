package io.airlock.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the TypeScript-SDK client driver ({@code it-tests/node/client.mjs}) and returns its JSON report. */
final class TsClient {

    static final ObjectMapper JSON = new ObjectMapper();

    private TsClient() {}

    static JsonNode http(String url, String script, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--transport", "http", "--url", url));
        args.addAll(List.of(extra));
        return run(args, script);
    }

    static JsonNode sse(String url, String script) throws Exception {
        return run(List.of("--transport", "sse", "--url", url), script);
    }

    static JsonNode stdio(List<String> command, String script, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--transport", "stdio", "--no-inherit-env", "--command",
                command.getFirst()));
        for (String arg : command.subList(1, command.size())) {
            args.add("--arg");
            args.add(arg);
        }
        args.addAll(List.of(extra));
        return run(args, script);
    }

    private static JsonNode run(List<String> args, String script) throws Exception {
        Path scriptFile = Files.createTempFile("airlock-it-script", ".json");
        Path stderr = Files.createTempFile("airlock-it-client", ".err");
        try {
            Files.writeString(scriptFile, script);
            List<String> command = new ArrayList<>(List.of(NodeTools.node(), NodeTools.clientScript().toString()));
            command.addAll(args);
            command.addAll(List.of("--script", scriptFile.toString(), "--deadline-ms", "90000"));
            Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("client did not finish; stderr:\n" + tail(stderr));
            }
            String text = new String(out, StandardCharsets.UTF_8).strip();
            if (text.isEmpty()) {
                throw new AssertionError("client printed nothing (exit " + process.exitValue() + "); stderr:\n"
                        + tail(stderr));
            }
            JsonNode report = JSON.readTree(text);
            if (!report.path("ok").asBoolean()) {
                throw new AssertionError("client failed: " + report.toPrettyString() + "\nstderr:\n" + tail(stderr));
            }
            return report;
        } finally {
            Files.deleteIfExists(scriptFile);
            Files.deleteIfExists(stderr);
        }
    }

    private static String tail(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    /** The result of step {@code index}, failing with the step's error if it has one. */
    static JsonNode result(JsonNode report, int index) {
        JsonNode step = report.path("steps").get(index);
        if (step == null || !step.has("result")) {
            throw new AssertionError("step " + index + " has no result: " + step);
        }
        return step.get("result");
    }

    /** The text of the first content item of a tools/call result. */
    static String text(JsonNode callResult) {
        return callResult.path("content").path(0).path("text").asText();
    }

    static List<String> methods(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.path("method").asText()));
        return out;
    }
}
