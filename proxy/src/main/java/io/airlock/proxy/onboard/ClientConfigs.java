package io.airlock.proxy.onboard;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where each client keeps its MCP servers, and how to read them. Formats, from each client's documentation:
 * <ul>
 *   <li>Claude Code: {@code ~/.claude.json} {@code mcpServers} (user scope) and {@code projects.<dir>.mcpServers}
 *       (local scope), project {@code .mcp.json} {@code mcpServers}; entries {@code type} stdio|http|sse,
 *       {@code command}/{@code args}/{@code env} or {@code url}/{@code headers}.</li>
 *   <li>Cursor: {@code ~/.cursor/mcp.json} and project {@code .cursor/mcp.json}, {@code mcpServers};
 *       {@code command}/{@code args}/{@code env} or {@code url}/{@code headers}.</li>
 *   <li>VS Code: project {@code .vscode/mcp.json}, {@code servers} (and {@code inputs}); JSON with comments;
 *       {@code type} stdio|http|sse.</li>
 *   <li>Codex: {@code ~/.codex/config.toml}, tables {@code [mcp_servers.NAME]}: {@code command}, {@code args},
 *       {@code env}, {@code cwd}, or {@code url}, {@code http_headers}.</li>
 * </ul>
 */
public final class ClientConfigs {

    /** How a client file is written. */
    enum Format { JSON, TOML }

    /** One client config file, read and understood. */
    record ClientFile(ClientKind client, Path file, Format format, byte[] original, LocatedJson json, CodexToml toml,
                      List<String> containers, List<ClientServer> servers) {
        ClientFile {
            containers = List.copyOf(containers);
            servers = List.copyOf(servers);
        }
    }

    private static final Set<String> STDIO_KEYS = Set.of("type", "command", "args", "env", "cwd", "envFile");
    private static final Set<String> HTTP_KEYS = Set.of("type", "url", "headers", "transport");

    private ClientConfigs() {}

    /** The files a client may have, existing or not, for a home and a project directory. */
    static List<Path> candidates(ClientKind client, Path home, Path project) {
        return switch (client) {
            case CLAUDE -> List.of(home.resolve(".claude.json"), project.resolve(".mcp.json"));
            case CURSOR -> List.of(home.resolve(".cursor/mcp.json"), project.resolve(".cursor/mcp.json"));
            case VSCODE -> List.of(project.resolve(".vscode/mcp.json"));
            case CODEX -> List.of(home.resolve(".codex/config.toml"));
        };
    }

    /** Reads every existing file of the given clients. Any unusable file fails the whole read, naming it. */
    static List<ClientFile> readAll(List<ClientKind> clients, Path home, Path project) throws ImportException {
        List<ClientFile> out = new ArrayList<>();
        for (ClientKind client : clients) {
            for (Path file : candidates(client, home, project)) {
                if (Files.isRegularFile(file)) {
                    out.add(read(client, file, home, project));
                }
            }
        }
        return out;
    }

    static ClientFile read(ClientKind client, Path file, Path home, Path project) throws ImportException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ImportException(file + ": no such file");
        } catch (IOException e) {
            throw new ImportException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (client == ClientKind.CODEX) {
            CodexToml toml = CodexToml.parse(bytes, file);
            List<ClientServer> servers = new ArrayList<>();
            JsonNode table = toml.root.get("mcp_servers");
            if (table != null) {
                if (!table.isObject()) {
                    throw new ImportException(file + ":" + toml.lineOfKey("mcp_servers") + ": mcp_servers must be a "
                            + "table of servers ([mcp_servers.NAME])");
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = table.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    servers.add(server(client, file, "/mcp_servers", e.getKey(), e.getValue(),
                            toml.lineOfServer(e.getKey())));
                }
            }
            return new ClientFile(client, file, Format.TOML, bytes, null, toml, List.of("/mcp_servers"), servers);
        }
        LocatedJson json = LocatedJson.parse(bytes, file, client == ClientKind.VSCODE);
        if (!json.root.isObject()) {
            throw new ImportException(file + ":1: expected a JSON object at the top level, got "
                    + json.root.getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
        }
        List<String> containers = new ArrayList<>();
        if (client == ClientKind.VSCODE) {
            containers.add("/servers");
        } else {
            containers.add("/mcpServers");
        }
        if (client == ClientKind.CLAUDE && file.getFileName().toString().equals(".claude.json")) {
            // Local-scope servers of the project being imported (Claude Code keys projects by absolute path).
            String key = project.toAbsolutePath().normalize().toString();
            if (json.root.path("projects").path(key).isObject()) {
                containers.add("/projects/" + escape(key) + "/mcpServers");
            }
        }
        List<ClientServer> servers = new ArrayList<>();
        for (String container : containers) {
            JsonNode map = json.root.at(container);
            if (map.isMissingNode() || map.isNull()) {
                continue;
            }
            if (!map.isObject()) {
                throw new ImportException(file + ":" + json.line(container) + ": " + container
                        + " must be an object of servers, got " + kind(map));
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String pointer = container + "/" + escape(e.getKey());
                servers.add(server(client, file, container, e.getKey(), e.getValue(), json.line(pointer)));
            }
        }
        return new ClientFile(client, file, Format.JSON, bytes, json, null, containers, servers);
    }

    /** One entry: a command or a URL, in the client's own keys. */
    private static ClientServer server(ClientKind client, Path file, String container, String name, JsonNode node,
                                       int line) throws ImportException {
        String at = file + (line > 0 ? ":" + line : "") + ": " + container + "/" + name;
        if (!node.isObject()) {
            throw new ImportException(at + ": expected an object, got " + kind(node));
        }
        List<String> warnings = new ArrayList<>();
        String type = node.has("type") ? text(node.get("type"), at + ".type") : null;
        boolean codex = client == ClientKind.CODEX;
        if (node.has("command") && node.has("url")) {
            throw new ImportException(at + ": has both 'command' and 'url' (expected one)");
        }
        ClientServer.Spec spec;
        if (node.has("command")) {
            if (type != null && !type.equals("stdio")) {
                throw new ImportException(at + ": type '" + type + "' does not go with 'command'");
            }
            String command = text(node.get("command"), at + ".command");
            List<String> args = new ArrayList<>();
            if (node.has("args")) {
                JsonNode list = node.get("args");
                if (!list.isArray()) {
                    throw new ImportException(at + ".args: expected a list of strings, got " + kind(list));
                }
                for (JsonNode arg : list) {
                    args.add(scalar(arg, at + ".args"));
                }
            }
            Map<String, String> env = stringMap(node.get("env"), at + ".env");
            String cwd = node.has("cwd") ? text(node.get("cwd"), at + ".cwd") : null;
            if (node.has("envFile")) {
                warnings.add("envFile " + node.get("envFile").asText() + " is not read: put the variables the "
                        + "server needs under env: in airlock.yaml");
            }
            if (codex && node.has("env_vars")) {
                warnings.add("env_vars (variables passed through from Codex's environment) are not passed: Airlock "
                        + "gives stdio servers a minimal environment; add them under env: in airlock.yaml");
            }
            spec = new ClientServer.Stdio(command, args, env, cwd);
        } else if (node.has("url")) {
            String url = text(node.get("url"), at + ".url");
            boolean sse;
            if (type == null || type.equals("http") || type.equals("streamable-http") || type.equals("streamableHttp")) {
                sse = false;
            } else if (type.equals("sse")) {
                sse = true;
            } else {
                throw new ImportException(at + ": unknown type '" + type + "' (expected stdio, http or sse)");
            }
            Map<String, String> headers = new LinkedHashMap<>(stringMap(node.get(codex ? "http_headers" : "headers"),
                    at + (codex ? ".http_headers" : ".headers")));
            if (codex && node.has("bearer_token_env_var")) {
                warnings.add("bearer_token_env_var " + node.get("bearer_token_env_var").asText() + ": Airlock's "
                        + "upstream headers are literal; set headers.Authorization in airlock.yaml");
            }
            if (codex && node.has("env_http_headers")) {
                warnings.add("env_http_headers are read from Codex's environment: set them under headers: in "
                        + "airlock.yaml");
            }
            if (node.has("headersHelper")) {
                warnings.add("headersHelper is not run by Airlock: set the headers it makes under headers: in "
                        + "airlock.yaml");
            }
            spec = new ClientServer.Http(url, sse, headers);
        } else {
            throw new ImportException(at + ": neither 'command' (stdio) nor 'url' (HTTP): Airlock cannot tell how "
                    + "to reach this server");
        }
        String variables = variables(node);
        if (variables != null) {
            warnings.add("uses " + variables + ", which the client expands and Airlock does not: edit the value in "
                    + "airlock.yaml");
        }
        return new ClientServer(client, file, container, name, spec, line, warnings);
    }

    /** The first {@code ${...}} reference in the entry's strings, or null. */
    private static String variables(JsonNode node) {
        if (node.isTextual()) {
            String t = node.textValue();
            int start = t.indexOf("${");
            int end = start < 0 ? -1 : t.indexOf('}', start);
            return end > start ? t.substring(start, end + 1) : null;
        }
        for (JsonNode child : node) {
            String found = variables(child);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static String text(JsonNode node, String at) throws ImportException {
        if (!node.isTextual() || node.textValue().isBlank()) {
            throw new ImportException(at + ": expected a non-empty string, got " + kind(node));
        }
        return node.textValue();
    }

    private static String scalar(JsonNode node, String at) throws ImportException {
        if (!node.isTextual() && !node.isNumber() && !node.isBoolean()) {
            throw new ImportException(at + ": expected strings, got " + kind(node));
        }
        return node.asText();
    }

    private static Map<String, String> stringMap(JsonNode node, String at) throws ImportException {
        Map<String, String> out = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            throw new ImportException(at + ": expected an object of strings, got " + kind(node));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), scalar(e.getValue(), at + "." + e.getKey()));
        }
        return out;
    }

    static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case OBJECT -> "an object";
            case ARRAY -> "a list";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** JSON pointer escaping of one key. */
    static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    /** Keys of an entry that say how the server is reached: replaced by a rewrite; all others are kept. */
    static boolean isTransportKey(ClientKind client, String key) {
        if (client == ClientKind.CODEX) {
            return CodexToml.TRANSPORT_KEYS.contains(key);
        }
        return STDIO_KEYS.contains(key) || HTTP_KEYS.contains(key) || key.equals("headersHelper");
    }
}
