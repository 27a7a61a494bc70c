package io.airlock.policy.tagging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.airlock.policy.analysis.AnalysisContext;
import io.airlock.policy.cascade.ToolCall;
import io.airlock.policy.catalog.ArgRole;
import io.airlock.policy.catalog.ArgSpec;
import io.airlock.policy.catalog.ToolSpec;
import io.airlock.policy.tags.Capability;
import io.airlock.policy.tags.Scope;
import io.airlock.policy.tags.Tag;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TaggerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AnalysisContext CTX = new AnalysisContext(List.of(Path.of("/work/project")),
            Path.of("/home/dev"), Set.of("registry.npmjs.org"));
    private static final Map<String, ToolSpec> SPECS = Map.of(
            "read", new ToolSpec("read", List.of(), List.of(new ArgSpec("/path", ArgRole.PATH_READ))),
            "write_many", new ToolSpec("write_many", List.of(), List.of(new ArgSpec("/files/*/path",
                    ArgRole.PATH_WRITE))),
            "run", new ToolSpec("run", List.of(Tag.of(Capability.EXEC_COMMAND, "runs commands")),
                    List.of(new ArgSpec("/command", ArgRole.SHELL_COMMAND), new ArgSpec("/cwd", ArgRole.CWD))),
            "fetch", new ToolSpec("fetch", List.of(), List.of(new ArgSpec("/url", ArgRole.URL))),
            "query", new ToolSpec("query", List.of(), List.of(new ArgSpec("/sql", ArgRole.SQL))),
            "push", new ToolSpec("push", List.of(Tag.of(Capability.VCS_REMOTE_WRITE, "push")),
                    List.of(new ArgSpec("/refs/*", ArgRole.GIT_REFSPEC), new ArgSpec("/force", ArgRole.FORCE_FLAG))));

    private final List<String> shellSeen = new ArrayList<>();
    private final List<Path> shellCwds = new ArrayList<>();
    private final Tagger tagger = new Tagger((kind, tool) -> "test".equals(kind)
            ? Optional.ofNullable(SPECS.get(tool)) : Optional.empty(), new ArgumentAnalyzers() {
        @Override
        public List<Tag> shell(String command, AnalysisContext ctx) {
            shellSeen.add(command);
            shellCwds.add(ctx.workingDirectory());
            return List.of(Tag.of(Capability.EXEC_COMMAND, "shell: " + command));
        }

        @Override
        public List<Tag> sql(String sql) {
            return List.of(Tag.of(Capability.DB_READ, sql));
        }

        @Override
        public List<Tag> gitPush(String remote, List<String> refspecs, boolean force) {
            return force ? List.of(Tag.of(Capability.VCS_HISTORY_REWRITE, "forced " + refspecs)) : List.of();
        }
    });

    @Test
    void pathsAreAnalysedWithTheirRoleAndScope() throws Exception {
        assertThat(labels(tag("read", "{\"path\":\"src/a.txt\"}"))).containsExactly("read_file:inside");
        assertThat(labels(tag("read", "{\"path\":\"~/.ssh/id_rsa\"}"))).contains("read_file:outside", "secret_resolve:outside");
        assertThat(labels(tag("write_many", "{\"files\":[{\"path\":\"a\"},{\"path\":\"/etc/hosts\"}]}")))
                .contains("write_file:inside", "write_file:outside", "privilege:outside");
    }

    @Test
    void shellCommandsGoToTheShellAnalyserInTheirWorkingDirectory() throws Exception {
        tag("run", "{\"command\":\"make test\",\"cwd\":\"sub\"}");
        assertThat(shellSeen).containsExactly("make test");
        assertThat(shellCwds).containsExactly(Path.of("/work/project/sub"));

        List<Tag> outside = tag("run", "{\"command\":\"ls\",\"cwd\":\"/tmp\"}");
        assertThat(labels(outside)).contains("exec_command:outside");
    }

    @Test
    void urlsSqlAndPushesAreAnalysed() throws Exception {
        assertThat(labels(tag("fetch", "{\"url\":\"https://registry.npmjs.org/x\"}"))).contains("network_egress:inside");
        assertThat(labels(tag("fetch", "{\"url\":\"http://169.254.169.254/latest/meta-data\"}")))
                .contains("secret_resolve:outside");
        assertThat(labels(tag("query", "{\"sql\":\"select 1\"}"))).containsExactly("db_read");
        assertThat(labels(tag("push", "{\"refs\":[\"main\"],\"force\":true}")))
                .contains("vcs_remote_write", "vcs_history_rewrite");
        assertThat(labels(tag("push", "{\"refs\":[\"main\"]}"))).containsExactly("vcs_remote_write");
    }

    @Test
    void anUncataloguedToolIsUnknownAndOverridesReplaceTheCatalog() throws Exception {
        assertThat(labels(tag("mystery", "{}"))).containsExactly("unknown");
        List<Tag> overridden = tagger.tag(call("mystery", "{}"), new Tagger.ServerFacts("test", false,
                Map.of("mystery", List.of(Tag.of(Capability.READ_FILE, Scope.INSIDE, "operator override"))), CTX),
                ToolAnnotations.NONE);
        assertThat(labels(overridden)).containsExactly("read_file:inside");
        List<Tag> vouched = tagger.tag(call("anything", "{}"), new Tagger.ServerFacts("test", false,
                Map.of("*", List.of()), CTX), ToolAnnotations.NONE);
        assertThat(vouched).isEmpty();
    }

    @Test
    void annotationsRaiseRiskAndLowerItOnlyForTrustedServers() throws Exception {
        JsonNode destructive = JSON.readTree("{\"name\":\"mystery\",\"annotations\":{\"destructiveHint\":true,"
                + "\"openWorldHint\":true}}");
        assertThat(labels(tagger.tag(call("mystery", "{}"), facts(false), ToolAnnotations.of(destructive))))
                .contains("unknown", "delete:unknown", "network_egress:outside");

        JsonNode readOnly = JSON.readTree("{\"name\":\"mystery\",\"annotations\":{\"readOnlyHint\":true}}");
        assertThat(labels(tagger.tag(call("mystery", "{}"), facts(false), ToolAnnotations.of(readOnly))))
                .containsExactly("unknown");
        assertThat(labels(tagger.tag(call("mystery", "{}"), facts(true), ToolAnnotations.of(readOnly))))
                .containsExactly("read_file:inside");
    }

    @Test
    void resourceReadsAreTaggedByTheirUri() {
        ToolCall read = new ToolCall("srv", "test", "resources/read", "file:///home/dev/.aws/credentials", null,
                "a", "s");
        assertThat(labels(tagger.tag(read, facts(false), ToolAnnotations.NONE))).contains("secret_resolve:outside");
        ToolCall own = new ToolCall("srv", "test", "resources/read", "demo://resource/1", null, "a", "s");
        assertThat(tagger.tag(own, facts(false), ToolAnnotations.NONE)).isEmpty();
        Tagger.ServerFacts vouched = new Tagger.ServerFacts("test", false, Map.of("*", List.of()), CTX);
        assertThat(tagger.tag(read, vouched, ToolAnnotations.NONE)).isEmpty();
    }

    @Test
    void argvArraysAreQuotedExactlyForTheShellAnalyser() throws Exception {
        assertThat(Tagger.argvToCommand(JSON.readTree("[\"rm\",\"-rf\",\"it's here\"]")))
                .isEqualTo("'rm' '-rf' 'it'\\''s here'");
    }

    private List<Tag> tag(String tool, String arguments) throws Exception {
        return tagger.tag(call(tool, arguments), facts(false), ToolAnnotations.NONE);
    }

    private static ToolCall call(String tool, String arguments) throws Exception {
        return new ToolCall("srv", "test", "tools/call", tool, JSON.readTree(arguments), "agent", "s1");
    }

    private static Tagger.ServerFacts facts(boolean trusted) {
        return new Tagger.ServerFacts("test", trusted, Map.of(), CTX);
    }

    private static List<String> labels(List<Tag> tags) {
        return tags.stream().map(Tag::label).distinct().toList();
    }
}
