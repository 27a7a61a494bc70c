package io.airlock.it;

import io.airlock.proxy.Gateway;
import io.airlock.proxy.config.ConfigLoader;
import java.net.InetSocketAddress;
import java.nio.file.Path;

/** An in-process Airlock on a free loopback port, from YAML text. */
final class Airlock implements AutoCloseable {

    private final Gateway gateway;
    private final InetSocketAddress address;

    private Airlock(Gateway gateway, InetSocketAddress address) {
        this.gateway = gateway;
        this.address = address;
    }

    static Airlock start(String serversYaml) throws Exception {
        String yaml = "listen: 127.0.0.1:0\nservers:\n" + serversYaml.indent(2);
        Gateway gateway = new Gateway(ConfigLoader.parse(yaml, "it-test", Path.of("").toAbsolutePath()));
        return new Airlock(gateway, gateway.startHttp());
    }

    String url(String server) {
        return "http://127.0.0.1:" + address.getPort() + "/mcp/" + server;
    }

    String sseUrl(String server) {
        return "http://127.0.0.1:" + address.getPort() + "/sse/" + server;
    }

    int port() {
        return address.getPort();
    }

    Gateway gateway() {
        return gateway;
    }

    @Override
    public void close() {
        gateway.close();
    }

    /** A YAML stdio server entry running {@code node <script> args...}. */
    static String nodeServer(String name, Path script, String... args) {
        StringBuilder yaml = new StringBuilder(name + ":\n  command: " + NodeTools.node() + "\n  args: [\""
                + script + "\"");
        for (String arg : args) {
            yaml.append(", \"").append(arg).append('"');
        }
        return yaml.append("]\n").append(VOUCHED).toString();
    }

    /**
     * The operator's statement that this server's tools have no capability of the taxonomy: relay tests use it so
     * that the default policy lets their calls through (policy behaviour has its own tests).
     */
    static final String VOUCHED = "  tags: {\"*\": []}\n";
}
