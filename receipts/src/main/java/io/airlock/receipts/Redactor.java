package io.airlock.receipts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes secrets from what goes into a receipt. Redaction is the default; {@link #raw()} (no redaction) exists only
 * for an explicit opt-in, and a receipt records which one was applied.
 * <p>
 * Three layers, applied to a copy of the JSON tree:
 * <ol>
 *   <li>configured JSON-pointer masks ({@code /env/*}, {@code /headers/X-Api-Key}): the whole value goes;</li>
 *   <li>members whose key names a secret ({@code password}, {@code apiKey}, {@code refresh_token}, …): every scalar
 *       below them goes, whatever it looks like;</li>
 *   <li>inside every string (a shell command, a URL, a config file being written): known credential formats, then
 *       high-entropy tokens.</li>
 * </ol>
 * A removed secret becomes {@code [REDACTED:<kind>]}, so a reviewer knows what kind of thing was there. The entropy
 * test is tuned to leave what reviews need readable: hex digests (git SHAs), UUIDs, paths, identifiers, and base64
 * that decodes to text.
 */
public final class Redactor {

    /** The marker's prefix, e.g. {@code [REDACTED:github-token]}. */
    public static final String MARKER_PREFIX = "[REDACTED:";

    private static final Redactor RAW = new Redactor("raw", List.of(), false);

    private final String name;
    private final List<List<String>> masks;
    private final boolean enabled;

    private Redactor(String name, List<List<String>> masks, boolean enabled) {
        this.name = name;
        this.masks = masks;
        this.enabled = enabled;
    }

    /** Credential formats, secret-named keys and high-entropy tokens. */
    public static Redactor standard() {
        return standard(List.of());
    }

    /**
     * {@link #standard()} plus JSON-pointer masks (RFC 6901, relative to the redacted node; a {@code *} segment
     * matches any member or element).
     */
    public static Redactor standard(List<String> pointerMasks) {
        List<List<String>> parsed = new ArrayList<>();
        for (String pointer : pointerMasks) {
            parsed.add(parsePointer(pointer));
        }
        return new Redactor("standard", List.copyOf(parsed), true);
    }

    /** No redaction at all: raw payload logging, which must be an explicit opt-in. */
    public static Redactor raw() {
        return RAW;
    }

    /** {@code standard} or {@code raw}, recorded in every receipt. */
    public String name() {
        return name;
    }

    /** A redacted copy of {@code node}; {@code node} itself is not changed. */
    public JsonNode redact(JsonNode node) {
        if (node == null || !enabled) {
            return node;
        }
        JsonNode copy = node.deepCopy();
        if (!copy.isContainerNode()) {
            return copy.isTextual() ? TextNode.valueOf(redactText(copy.textValue())) : copy;
        }
        for (List<String> mask : masks) {
            applyMask(copy, mask, 0);
        }
        walk(copy);
        return copy;
    }

    /** {@code text} with every credential format and high-entropy token replaced by a marker. */
    public String redactText(String text) {
        if (!enabled || text == null || text.isEmpty()) {
            return text;
        }
        String result = text;
        String lowerCase = text.toLowerCase(Locale.ROOT);
        for (SecretPattern pattern : PATTERNS) {
            String before = result;
            result = pattern.apply(result, lowerCase);
            if (!result.equals(before)) {
                lowerCase = result.toLowerCase(Locale.ROOT);
            }
        }
        return result.length() < HighEntropy.MIN_LENGTH ? result : HighEntropy.redact(result);
    }

    private void walk(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> member = it.next();
                JsonNode value = member.getValue();
                if (isSecretKey(member.getKey())) {
                    member.setValue(maskScalars(value));
                } else if (value.isTextual()) {
                    member.setValue(TextNode.valueOf(redactText(value.textValue())));
                } else {
                    walk(value);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                JsonNode element = array.get(i);
                if (element.isTextual()) {
                    array.set(i, TextNode.valueOf(redactText(element.textValue())));
                } else {
                    walk(element);
                }
            }
        }
    }

    /** Below a secret-named key everything with a value goes (a nested {@code credentials} object, a numeric PIN). */
    private static JsonNode maskScalars(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.properties().forEach(member -> member.setValue(maskScalars(member.getValue())));
            return object;
        }
        if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                array.set(i, maskScalars(array.get(i)));
            }
            return array;
        }
        if (node.isNull() || node.isBoolean() || node.isTextual() && node.textValue().isEmpty()) {
            return node;
        }
        return TextNode.valueOf(marker("secret-field"));
    }

    /** Key names that hold secrets, compared lower-case without {@code _ - .}; names of files, ids and refs are not. */
    static boolean isSecretKey(String key) {
        String k = key.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "").replace(".", "");
        for (String suffix : NOT_SECRET_SUFFIXES) {
            if (k.endsWith(suffix) && k.length() > suffix.length()) {
                return false;
            }
        }
        for (String word : SECRET_KEY_WORDS) {
            if (k.contains(word)) {
                return true;
            }
        }
        for (String word : SECRET_KEY_ENDINGS) {
            if (k.endsWith(word)) {
                return true;
            }
        }
        return false;
    }

    private static final List<String> SECRET_KEY_WORDS = List.of("password", "passwd", "passphrase", "secret",
            "apikey", "accesskey", "privatekey", "credential", "cookie", "authorization", "signingkey",
            "encryptionkey");
    private static final List<String> SECRET_KEY_ENDINGS = List.of("token", "auth", "pwd", "pat", "pin", "otp");
    private static final List<String> NOT_SECRET_SUFFIXES = List.of("name", "names", "id", "ids", "path", "file",
            "ref", "arn", "url", "type", "count", "length", "expiry", "expiresat", "ttl");

    private static void applyMask(JsonNode node, List<String> pointer, int depth) {
        if (depth == pointer.size() - 1) {
            String last = pointer.get(depth);
            if (node instanceof ObjectNode object) {
                if (last.equals("*")) {
                    object.properties().forEach(member -> member.setValue(TextNode.valueOf(marker("masked"))));
                } else if (object.has(last)) {
                    object.set(last, TextNode.valueOf(marker("masked")));
                }
            } else if (node instanceof ArrayNode array) {
                for (int i = 0; i < array.size(); i++) {
                    if (last.equals("*") || last.equals(Integer.toString(i))) {
                        array.set(i, TextNode.valueOf(marker("masked")));
                    }
                }
            }
            return;
        }
        String segment = pointer.get(depth);
        if (node instanceof ObjectNode object) {
            if (segment.equals("*")) {
                object.properties().forEach(member -> applyMask(member.getValue(), pointer, depth + 1));
            } else if (object.has(segment)) {
                applyMask(object.get(segment), pointer, depth + 1);
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                if (segment.equals("*") || segment.equals(Integer.toString(i))) {
                    applyMask(array.get(i), pointer, depth + 1);
                }
            }
        }
    }

    private static List<String> parsePointer(String pointer) {
        Objects.requireNonNull(pointer, "pointer");
        if (pointer.isEmpty() || !pointer.startsWith("/")) {
            throw new IllegalArgumentException("JSON pointer mask: '" + pointer
                    + "' (expected: /member/... as in RFC 6901, e.g. /env/* or /headers/Authorization)");
        }
        List<String> segments = new ArrayList<>();
        for (String raw : pointer.substring(1).split("/", -1)) {
            segments.add(raw.replace("~1", "/").replace("~0", "~"));
        }
        return List.copyOf(segments);
    }

    static String marker(String kind) {
        return MARKER_PREFIX + kind + "]";
    }

    /**
     * One credential format. {@code group} is the part to replace (0: the whole match), so that what helps a review
     * stays: the scheme, user and host of a connection string, the variable a secret was assigned to.
     */
    private record SecretPattern(String kind, List<String> hints, Pattern regex, int group,
                                 Function<String, Boolean> keep) {
        SecretPattern(String kind, List<String> hints, String regex, int group) {
            this(kind, hints, Pattern.compile(regex), group, value -> false);
        }

        /** {@code lowerCase} is {@code text} in lower case: a pattern runs only if one of its hints occurs. */
        String apply(String text, String lowerCase) {
            boolean hinted = false;
            for (String hint : hints) {
                if (lowerCase.contains(hint)) {
                    hinted = true;
                    break;
                }
            }
            if (!hinted) {
                return text;
            }
            Matcher matcher = regex.matcher(text);
            if (!matcher.find()) {
                return text;
            }
            matcher.reset();
            return matcher.replaceAll(this::replacement);
        }

        private String replacement(MatchResult match) {
            String whole = match.group();
            String secret = match.group(group);
            if (secret == null || secret.isEmpty() || secret.startsWith(MARKER_PREFIX) || keep.apply(secret)) {
                return Matcher.quoteReplacement(whole);
            }
            int from = match.start(group) - match.start();
            int to = match.end(group) - match.start();
            return Matcher.quoteReplacement(whole.substring(0, from) + marker(kind) + whole.substring(to));
        }
    }

    private static final String SECRET_WORD = "(?:password|passwd|passphrase|secret|token|api[_-]?key"
            + "|access[_-]?key|private[_-]?key|client[_-]?secret|credentials?)";

    private static final List<String> SECRET_WORD_HINTS = List.of("password", "passwd", "passphrase", "secret",
            "token", "key", "credential");

    /** The table of known formats; order matters (a PEM block before anything that could match inside it). */
    private static final List<SecretPattern> PATTERNS = List.of(
            new SecretPattern("private-key", List.of("private key"),
                    "-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\\s\\S]*?"
                    + "(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|\\z)", 0),
            new SecretPattern("jwt", List.of("eyj"),
                    "\\beyJ[A-Za-z0-9_-]{5,}\\.eyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]{10,}", 0),
            new SecretPattern("aws-access-key-id", List.of("akia", "asia", "abia", "acca"),
                    "\\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\\b", 0),
            new SecretPattern("aws-secret-key", List.of("secret"), "(?i)(?:aws_?secret_?access_?key|aws_?secret_?key"
                    + "|secret_?access_?key)[\"']?\\s*[:=]\\s*[\"']?([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])", 1),
            new SecretPattern("github-token", List.of("gh", "github_pat_"),
                    "\\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})",
                    0),
            new SecretPattern("gitlab-token", List.of("gl"), "\\bgl(?:pat|dt|ptt|rt)-[A-Za-z0-9_\\-]{20,}", 0),
            new SecretPattern("slack-webhook", List.of("hooks.slack.com"),
                    "https://hooks\\.slack\\.com/(?:services|workflows|triggers)/"
                    + "[A-Za-z0-9_/\\-]+", 0),
            new SecretPattern("slack-token", List.of("xox"), "\\bxox[abprse]-[A-Za-z0-9-]{10,}", 0),
            new SecretPattern("stripe-key", List.of("_live_", "_test_"),
                    "\\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}", 0),
            new SecretPattern("google-api-key", List.of("aiza"), "\\bAIza[0-9A-Za-z_\\-]{35}", 0),
            new SecretPattern("anthropic-key", List.of("sk-ant-"), "\\bsk-ant-[A-Za-z0-9_\\-]{20,}", 0),
            new SecretPattern("openai-key", List.of("sk-"), "\\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\\-]{20,}", 0),
            new SecretPattern("npm-token", List.of("npm_"), "\\bnpm_[A-Za-z0-9]{36}\\b", 0),
            // scheme://user:password@host: keep the scheme, user and host, which say where the call went.
            new SecretPattern("password", List.of("://"),
                    "\\b[a-zA-Z][a-zA-Z0-9+.\\-]*://[^:/?#@\\s\\[\\]]*:([^@/?#\\s]+)@", 1),
            new SecretPattern("authorization", List.of("bearer", "basic"),
                    "(?i)\\b(?:bearer|basic)\\s+([A-Za-z0-9._~+/\\-]{8,}=*)", 1),
            new SecretPattern("authorization", List.of("authorization"),
                    "(?i)\\bauthorization[\"']?\\s*[:=]\\s*[\"']?([^\\s\"',;]{8,})", 1),
            // NAME=value, "name": "value", --name value where the name says it is a secret; numbers are kept
            // (max_tokens: 100). The pattern starts at the secret word, not at the start of the name: a leading
            // [name chars]* would be retried from every position (quadratic in the string's length).
            new SecretPattern("secret-value", SECRET_WORD_HINTS, Pattern.compile("(?i)" + SECRET_WORD
                    + "[A-Za-z0-9_.\\-]*[\"']?\\s*[=:]\\s*[\"']?([^\\s\"',;&]+)"), 1, Redactor::isNumberOrPlaceholder),
            new SecretPattern("secret-value", List.of("pass", "token", "secret", "api"),
                    Pattern.compile("(?i)--?(?:[a-z0-9]+-)*(?:password|passwd|pass|token"
                    + "|secret|api-?key)(?:-[a-z0-9]+)*\\s+([^\\s\\-][^\\s]*)"), 1, Redactor::isNumberOrPlaceholder));

    private static boolean isNumberOrPlaceholder(String value) {
        return value.matches("[0-9]+") || value.startsWith("$") || value.startsWith("<") || value.startsWith("{");
    }

    /**
     * Shannon entropy over candidate tokens. A token of at least {@value #MIN_LENGTH} characters from the base64 /
     * token alphabet is a secret when it mixes letters and digits, its entropy per character is at least 80% of
     * what a random string of that length would have (log2 of its length, capped at 6 bits), and its characters
     * switch class as often as random ones do ({@link #classChangeRate}). Kept readable: pure hex (SHAs, digests),
     * UUIDs, path segments, identifiers, dated names, and base64 that decodes to text.
     */
    static final class HighEntropy {
        static final int MIN_LENGTH = 20;
        private static final Pattern CANDIDATE = Pattern.compile("[A-Za-z0-9+/_\\-]{" + MIN_LENGTH + ",}={0,2}");
        private static final Pattern HEX_ISH = Pattern.compile("[0-9a-fA-F\\-]+");

        private HighEntropy() {
        }

        static String redact(String text) {
            Matcher matcher = CANDIDATE.matcher(text);
            StringBuilder out = null;
            int copied = 0;
            while (matcher.find()) {
                if (isMarkerText(text, matcher.start())) {
                    continue;
                }
                String token = matcher.group();
                String replacement = redactToken(token);
                if (!replacement.equals(token)) {
                    if (out == null) {
                        out = new StringBuilder(text.length());
                    }
                    out.append(text, copied, matcher.start()).append(replacement);
                    copied = matcher.end();
                }
            }
            return out == null ? text : out.append(text, copied, text.length()).toString();
        }

        /** Inside a path each segment is judged alone; a token containing {@code /} otherwise is a base64 candidate. */
        private static String redactToken(String token) {
            boolean pathLike = token.startsWith("/") || token.startsWith("-") || token.contains("//")
                    || token.endsWith("/");
            if (pathLike || token.contains("/") && !isSecret(token)) {
                StringBuilder out = new StringBuilder(token.length());
                int from = 0;
                for (int slash = token.indexOf('/'); ; slash = token.indexOf('/', from)) {
                    String segment = token.substring(from, slash < 0 ? token.length() : slash);
                    out.append(isSecret(segment) ? marker("high-entropy") : segment);
                    if (slash < 0) {
                        break;
                    }
                    out.append('/');
                    from = slash + 1;
                }
                return out.toString();
            }
            return isSecret(token) ? marker("high-entropy") : token;
        }

        static boolean isSecret(String token) {
            int length = token.length();
            if (length < MIN_LENGTH || HEX_ISH.matcher(token).matches()) {
                return false;
            }
            boolean digit = false;
            boolean letter = false;
            for (int i = 0; i < length; i++) {
                char c = token.charAt(i);
                digit |= c >= '0' && c <= '9';
                letter |= Character.isLetter(c);
            }
            if (!digit || !letter) {
                return false;
            }
            if (entropy(token) < 0.8 * Math.min(6.0, log2(length)) || classChangeRate(token) < 0.3
                    || isMostlyWords(token)) {
                return false;
            }
            return !decodesToText(token);
        }

        /**
         * How often adjacent characters switch between upper case, lower case and digit. Random keys switch at
         * about 0.6 (0.4 for lower case and digits); identifiers ({@code AbstractFactoryBean2}), dates and names
         * ({@code build_20240115_123456}) at well under 0.3. Separators ({@code - _ / + =}) are not counted.
         */
        static double classChangeRate(String s) {
            int pairs = 0;
            int changes = 0;
            for (int i = 1; i < s.length(); i++) {
                int a = charClass(s.charAt(i - 1));
                int b = charClass(s.charAt(i));
                if (a > 0 && b > 0) {
                    pairs++;
                    changes += a == b ? 0 : 1;
                }
            }
            return pairs == 0 ? 0 : (double) changes / pairs;
        }

        private static final Pattern WORD_PIECE = Pattern.compile("[A-Z]?[a-z]+|[A-Z]+(?![a-z])");
        private static final Pattern VOWEL = Pattern.compile("(?i)[aeiouy]");

        /**
         * Whether most letters belong to word-like pieces (camel-case humps or runs of at least 3 letters with a
         * vowel), as in {@code AbstractSingletonProxyFactoryBean2}; random keys break into short vowel-less pieces.
         */
        static boolean isMostlyWords(String s) {
            Matcher piece = WORD_PIECE.matcher(s);
            int letters = 0;
            int inWords = 0;
            while (piece.find()) {
                int length = piece.end() - piece.start();
                letters += length;
                if (length >= 3 && VOWEL.matcher(piece.group()).find()) {
                    inWords += length;
                }
            }
            return letters > 0 && inWords >= 0.7 * letters;
        }

        private static int charClass(char c) {
            return c >= 'A' && c <= 'Z' ? 1 : c >= 'a' && c <= 'z' ? 2 : c >= '0' && c <= '9' ? 3 : 0;
        }

        static double entropy(String s) {
            int[] counts = new int[128];
            int total = 0;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c < 128) {
                    counts[c]++;
                    total++;
                }
            }
            double entropy = 0;
            for (int count : counts) {
                if (count > 0) {
                    double p = (double) count / total;
                    entropy -= p * log2(p);
                }
            }
            return entropy;
        }

        private static double log2(double x) {
            return Math.log(x) / Math.log(2);
        }

        /** Base64 (standard or URL-safe) whose bytes are mostly printable UTF-8: an encoded document, not a key. */
        private static boolean decodesToText(String token) {
            String unpadded = token.replaceAll("=+$", "");
            if (unpadded.length() % 4 == 1) {
                return false;
            }
            byte[] bytes;
            try {
                bytes = unpadded.indexOf('-') >= 0 || unpadded.indexOf('_') >= 0
                        ? Base64.getUrlDecoder().decode(unpadded) : Base64.getDecoder().decode(unpadded);
            } catch (IllegalArgumentException e) {
                return false;
            }
            String decoded;
            try {
                decoded = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                return false;
            }
            long printable = decoded.codePoints()
                    .filter(c -> c == '\n' || c == '\r' || c == '\t' || c >= 0x20 && c != 0x7f).count();
            return printable >= 0.95 * decoded.codePointCount(0, decoded.length());
        }
    }

    private static boolean isMarkerText(String text, int index) {
        int open = text.lastIndexOf(MARKER_PREFIX, index);
        return open >= 0 && text.indexOf(']', open) >= index;
    }
}
