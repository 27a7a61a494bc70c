package io.airlock.proxy.http;

import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Guards the HTTP front against DNS rebinding and cross-site requests: a browser page on another origin must not be
 * able to drive local tools. An {@code Origin} that is neither loopback nor configured is refused (403); while Airlock
 * listens on loopback, so is a {@code Host} that does not name loopback.
 */
public final class OriginPolicy {

    private final List<String> allowedOrigins;
    private final boolean loopbackBind;

    public OriginPolicy(List<String> allowedOrigins, String bindHost) {
        this.allowedOrigins = allowedOrigins.stream().map(o -> o.toLowerCase(Locale.ROOT)).toList();
        this.loopbackBind = isLoopbackName(bindHost);
    }

    /** Null when the request may proceed, else why it is refused. */
    public String check(String origin, String host) {
        if (origin != null && !origin.equals("null") && !originAllowed(origin)) {
            return "Origin '" + origin + "' is not allowed (loopback origins and 'allowedOrigins' in the config are)";
        }
        if (origin != null && origin.equals("null")) {
            return "Origin 'null' is not allowed";
        }
        if (loopbackBind && host != null && !isLoopbackName(hostName(host))) {
            return "Host '" + host + "' is not a loopback name; Airlock listens on loopback only";
        }
        return null;
    }

    private boolean originAllowed(String origin) {
        String lower = origin.toLowerCase(Locale.ROOT);
        if (allowedOrigins.contains(lower) || allowedOrigins.contains("*")) {
            return true;
        }
        try {
            URI uri = new URI(lower);
            return uri.getHost() != null && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                    && isLoopbackName(uri.getHost());
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    /** {@code host[:port]} or {@code [v6]:port} → the name part. */
    static String hostName(String hostHeader) {
        String h = hostHeader.strip();
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? h : h.substring(1, end);
        }
        int colon = h.indexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }

    /** localhost, 127.0.0.0/8, ::1 — by literal only: no DNS lookups on the request path. */
    public static boolean isLoopbackName(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.equals("localhost") || h.endsWith(".localhost")) {
            return true;
        }
        if (h.matches("\\d{1,3}(\\.\\d{1,3}){3}") || h.contains(":")) {
            try {
                return InetAddress.ofLiteral(h).isLoopbackAddress();
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        return false;
    }
}
