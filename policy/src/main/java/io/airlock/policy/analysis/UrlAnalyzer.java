package io.airlock.policy.analysis;

import io.airlock.policy.tags.Capability;
import io.airlock.policy.tags.Scope;
import io.airlock.policy.tags.Tag;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Tags a URL argument: {@code network_egress}, inside (allowlisted host) or outside; cloud metadata endpoints are
 * {@code secret_resolve}; private and loopback addresses are flagged (server-side request forgery); long or
 * secret-looking query strings are flagged as possible exfiltration. Lexical only: no DNS lookups.
 */
public final class UrlAnalyzer {

    private static final Set<String> METADATA_HOSTS = Set.of("169.254.169.254", "metadata.google.internal",
            "metadata.goog", "100.100.100.200", "fd00:ec2::254", "169.254.170.2", "metadata.azure.com",
            "instance-data", "instance-data.ec2.internal");
    private static final Pattern SECRETISH_QUERY = Pattern.compile(
            "(?i)(token|secret|passw(or)?d|api[_-]?key|auth|session|cookie|key)=");

    private UrlAnalyzer() {}

    public static List<Tag> analyze(String raw, AnalysisContext ctx) {
        List<Tag> tags = new ArrayList<>();
        URI uri;
        try {
            uri = new URI(raw.strip());
        } catch (URISyntaxException e) {
            tags.add(Tag.of(Capability.NETWORK_EGRESS, Scope.UNKNOWN, "unparseable URL " + raw));
            return tags;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("file")) {
            tags.addAll(PathAnalyzer.analyze(uri.getPath() == null ? raw : uri.getPath(), Access.READ, ctx));
            return tags;
        }
        String host = uri.getHost();
        if (host == null) {
            tags.add(Tag.of(Capability.NETWORK_EGRESS, Scope.UNKNOWN, "URL without a host " + raw));
            return tags;
        }
        host = host.toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (METADATA_HOSTS.contains(host)) {
            tags.add(Tag.of(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "cloud metadata endpoint " + host));
        }
        boolean allowed = isAllowed(host, ctx.allowedHosts());
        tags.add(Tag.of(Capability.NETWORK_EGRESS, allowed ? Scope.INSIDE : Scope.OUTSIDE,
                (allowed ? "allowlisted host " : "host ") + host));
        if (isPrivateLiteral(host)) {
            tags.add(Tag.of(Capability.NETWORK_EGRESS, Scope.OUTSIDE, "private or loopback address " + host));
        }
        String query = uri.getRawQuery();
        if (query != null && (query.length() > 512 || SECRETISH_QUERY.matcher(query).find())) {
            tags.add(Tag.of(Capability.NETWORK_EGRESS, Scope.OUTSIDE, "data in the query string of " + host));
        }
        return tags;
    }

    static boolean isAllowed(String host, Set<String> allowed) {
        for (String entry : allowed) {
            String e = entry.toLowerCase(Locale.ROOT);
            if (e.startsWith("*.") ? host.endsWith(e.substring(1)) || host.equals(e.substring(2)) : host.equals(e)) {
                return true;
            }
        }
        return false;
    }

    static boolean isPrivateLiteral(String host) {
        if (host.equals("localhost") || host.endsWith(".localhost") || host.endsWith(".internal")
                || host.endsWith(".local")) {
            return true;
        }
        if (!host.matches("[0-9.]+") && !host.contains(":")) {
            return false;
        }
        try {
            InetAddress address = InetAddress.ofLiteral(host);
            return address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
                    || address.isAnyLocalAddress() || (address.getAddress().length == 16
                    && (address.getAddress()[0] & 0xfe) == 0xfc);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
