package io.airlock.tui.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.airlock.tui.FakeAdminServer;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminClientTest {

    private FakeAdminServer server;
    private AdminClient client;

    @BeforeEach
    void start() throws Exception {
        server = new FakeAdminServer();
        client = new AdminClient(server.address(), FakeAdminServer.TOKEN);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HeldCall aHeldCall() {
        server.on("GET", "/v1/held", 200, "{\"held\":[" + FakeAdminServer.heldJson("h-1",
                "2026-11-22T04:31:02.123Z", "write_file", "write_file path=/home/dev/.bashrc", true) + "]}");
        return ((Reply.Ok<List<HeldCall>>) client.held()).value().getFirst();
    }

    @Test
    void heldReadsEveryFieldAndSendsTheBearerToken() {
        HeldCall call = aHeldCall();

        assertThat(call.id()).isEqualTo("h-1");
        assertThat(call.heldAt()).isEqualTo(Instant.parse("2026-11-22T04:31:02.123Z"));
        assertThat(call.tool()).isEqualTo("write_file");
        assertThat(call.tags()).containsExactly("write_file:outside");
        assertThat(call.hard()).isTrue();
        assertThat(call.rememberable()).isFalse();
        assertThat(call.callHash()).startsWith("sha256:");
        assertThat(server.requests().getFirst().authorization()).isEqualTo("Bearer " + FakeAdminServer.TOKEN);
    }

    @Test
    void detailReadsArgumentsRulesPathRecentCallsAndTheRememberOffer() {
        server.on("GET", "/v1/held/h-2", 200, """
                {"id":"h-2","tool":"run_command","hard":false,"rememberable":true,"callHash":"sha256:ab",
                 "arguments":{"command":"npm publish"},
                 "matchedRules":[{"id":"ask-publish","action":"ask","hard":false,"reason":"publishes a package"}],
                 "path":["tier 0: rule ask-publish -> ask","tier 3: held for the operator"],
                 "policyRevision":"sha256:517d",
                 "recentCalls":[{"at":"2026-11-22T04:30:55Z","tool":"read_text_file","summary":"package.json",
                                 "decision":"allow","tier":0}],
                 "remember":{"scope":"tool","rule":"- id: remembered-1\\n  action: allow\\n"}}""");

        HeldCallDetail detail = ((Reply.Ok<HeldCallDetail>) client.detail("h-2")).value();

        assertThat(detail.arguments().path("command").asText()).isEqualTo("npm publish");
        assertThat(detail.matchedRules()).containsExactly(
                new HeldCallDetail.MatchedRule("ask-publish", "ask", false, "publishes a package"));
        assertThat(detail.path()).hasSize(2);
        assertThat(detail.recentCalls().getFirst().tool()).isEqualTo("read_text_file");
        assertThat(detail.recentCalls().getFirst().tier()).isEqualTo("0");
        assertThat(detail.remember()).contains(
                new HeldCallDetail.RememberOffer("tool", "- id: remembered-1\n  action: allow\n"));
    }

    @Test
    void aDetailWithoutRememberHasNoOffer() {
        server.on("GET", "/v1/held/h-3", 200, "{\"id\":\"h-3\",\"arguments\":{}}");

        assertThat(((Reply.Ok<HeldCallDetail>) client.detail("h-3")).value().remember()).isEmpty();
    }

    @Test
    void decideSendsTheOutcomeTheCallHashTheOperatorAndTheReason() throws Exception {
        HeldCall call = aHeldCall();
        server.on("POST", "/v1/held/h-1/decision", 200, "{\"id\":\"h-1\",\"outcome\":\"deny\",\"operator\":\"alice\"}");

        DecideResult result = client.decide(new Decision.Deny(call, "alice", "not on prod"));

        assertThat(result).isEqualTo(new DecideResult.Decided("h-1", "deny", "alice", ""));
        JsonNode sent = Json.MAPPER.readTree(server.requests("POST", "/v1/held/h-1/decision").getFirst().body());
        assertThat(sent.path("outcome").asText()).isEqualTo("deny");
        assertThat(sent.path("callHash").asText()).isEqualTo(call.callHash());
        assertThat(sent.path("operator").asText()).isEqualTo("alice");
        assertThat(sent.path("reason").asText()).isEqualTo("not on prod");
    }

    @Test
    void rememberSendsItsScopeAndReportsTheRuleAdded() throws Exception {
        HeldCall call = aHeldCall();
        server.on("POST", "/v1/held/h-1/decision", 200,
                "{\"id\":\"h-1\",\"outcome\":\"remember\",\"operator\":\"bob\",\"rule\":\"remembered-7\"}");

        DecideResult result = client.decide(new Decision.Remember(call, "bob", "session"));

        assertThat(result).isEqualTo(new DecideResult.Decided("h-1", "remember", "bob", "remembered-7"));
        JsonNode sent = Json.MAPPER.readTree(server.requests("POST", "/v1/held/h-1/decision").getFirst().body());
        assertThat(sent.path("outcome").asText()).isEqualTo("remember");
        assertThat(sent.path("scope").asText()).isEqualTo("session");
    }

    @Test
    void everyDocumentedRefusalIsItsOwnResult() {
        HeldCall call = aHeldCall();
        Decision approve = new Decision.Approve(call, "alice");
        String path = "/v1/held/h-1/decision";

        server.on("POST", path, 400, "{\"error\":\"missing callHash\"}");
        assertThat(client.decide(approve)).isEqualTo(new DecideResult.BadRequest("missing callHash"));
        server.on("POST", path, 404, "");
        assertThat(client.decide(approve)).isEqualTo(new DecideResult.NotFound("h-1"));
        server.on("POST", path, 409, "{\"error\":\"already decided\",\"outcome\":\"deny\",\"operator\":\"bob\"}");
        assertThat(client.decide(approve)).isEqualTo(new DecideResult.Conflict("already decided", "deny", "bob"));
        server.on("POST", path, 410, "{\"error\":\"expired\"}");
        assertThat(client.decide(approve)).isEqualTo(new DecideResult.Gone("expired"));
        server.on("POST", path, 422, "{\"error\":\"hard boundaries stay per call\"}");
        assertThat(client.decide(approve)).isEqualTo(new DecideResult.HardStop("hard boundaries stay per call"));
        server.on("POST", path, 503, "busy");
        assertThat(client.decide(approve)).isEqualTo(new DecideResult.Unexpected(503, "busy"));
    }

    @Test
    void aWrongTokenIsUnauthorizedForReadsAndDecisions() {
        HeldCall call = aHeldCall();
        AdminClient wrong = new AdminClient(server.address(), "not-the-token");

        assertThat(wrong.held()).isInstanceOf(Reply.Unauthorized.class);
        assertThat(wrong.decide(new Decision.Approve(call, "x"))).isInstanceOf(DecideResult.Unauthorized.class);
    }

    @Test
    void aServerThatIsNotThereIsAnAnswerNotAnException() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        AdminClient nobody = new AdminClient(URI.create("http://127.0.0.1:" + closedPort), "t");
        HeldCall call = aHeldCall();

        assertThat(nobody.held()).isEqualTo(new Reply.Unreachable<>("connection refused"));
        assertThat(nobody.decide(new Decision.Approve(call, "x")))
                .isEqualTo(new DecideResult.Unreachable("connection refused"));
    }

    @Test
    void decisionsAreReadNewestFirstWithTheLimitAsked() {
        server.on("GET", "/v1/decisions?limit=2", 200, """
                {"decisions":[{"at":"2026-11-22T04:31:05Z","agent":"a","server":"files","tool":"write_file",
                  "decision":"deny","tier":0,"rule":"deny-secrets","tags":["secret"],"summary":"~/.ssh/id_rsa"},
                 {"at":"2026-11-22T04:31:01Z","agent":"a","server":"files","tool":"read_text_file",
                  "decision":"allow","tier":0,"rule":"","tags":[],"summary":"notes.txt"}]}""");

        List<GateDecision> decisions = ((Reply.Ok<List<GateDecision>>) client.decisions(2)).value();

        assertThat(decisions).extracting(GateDecision::decision).containsExactly("deny", "allow");
        assertThat(decisions.getFirst().tier()).isEqualTo("0");
        assertThat(decisions.getFirst().tags()).containsExactly("secret");
    }

    @Test
    void anOddIdCannotChangeThePathItIsSentTo() {
        server.on("GET", "/v1/held/..%2Fstatus", 200, "{\"id\":\"../status\"}");

        assertThat(client.detail("../status")).isInstanceOf(Reply.Ok.class);
    }
}
