package io.airlock.receipts;

import static io.airlock.receipts.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {

    @Test
    void memberOrderWhitespaceAndNumberSpellingDoNotChangeTheDigest() {
        String a = CanonicalJson.digest(json("{\"b\": [1, 2.50, {\"y\":1,\"x\":null}], \"a\": \"é\"}"));
        String b = CanonicalJson.digest(json("{\"a\":\"\\u00e9\",\"b\":[1.0,2.5,{\"x\":null,\"y\":1}]}"));

        assertThat(a).isEqualTo(b).matches("sha256:[0-9a-f]{64}");
    }

    @Test
    void theEncodingIsSortedAndCompact() {
        assertThat(new String(CanonicalJson.encode(json("{\"z\":1e3,\"a\":[true,false],\"m\":{}}")),
                StandardCharsets.UTF_8)).isEqualTo("{\"a\":[true,false],\"m\":{},\"z\":1000}");
    }

    @Test
    void differentArgumentsHaveDifferentDigests() {
        assertThat(CanonicalJson.digest(json("{\"path\":\"a\"}")))
                .isNotEqualTo(CanonicalJson.digest(json("{\"path\":\"b\"}")))
                .isNotEqualTo(CanonicalJson.digest(json("{\"path\":[\"a\"]}")));
    }
}
