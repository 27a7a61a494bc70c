package io.airlock.policy.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.airlock.policy.tags.Tag;
import java.util.List;
import org.junit.jupiter.api.Test;

class ToolSpecTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Catalog CATALOG = Catalog.builtIn();

    private static JsonNode args(String json) {
        try {
            return JSON.readTree(json.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static List<String> described(List<ArgValue> values) {
        return values.stream().map(v -> v.role().id() + " " + v.pointer() + "=" + v.text()).toList();
    }

    private static ToolSpec tool(String kind, String name) {
        return CATALOG.tool(kind, name).orElseThrow();
    }

    @Test
    void wildcardPointersExpandOverArrays() {
        ToolSpec read = tool("filesystem", "read_multiple_files");
        assertThat(described(read.argValues(args("{'paths': ['a.txt', '/etc/shadow']}"))))
                .containsExactly("path_read /paths/0=a.txt", "path_read /paths/1=/etc/shadow");
        assertThat(read.argValues(args("{'paths': []}"))).isEmpty();
        assertThat(read.argValues(args("{}"))).isEmpty();
        assertThat(read.argValues(null)).isEmpty();
    }

    @Test
    void nestedWildcardsReachIntoArraysOfObjects() {
        ToolSpec pdf = tool("desktop-commander", "write_pdf");
        List<ArgValue> values = pdf.argValues(args("{'path': 'out.pdf', 'content': [{'type': 'insert', "
                + "'sourcePdfPath': '/home/me/secret.pdf'}, {'type': 'delete', 'pageIndexes': [1]}]}"));
        assertThat(described(values)).containsExactly("path_write /path=out.pdf",
                "path_read /content/0/sourcePdfPath=/home/me/secret.pdf");
        // content given as markdown text: nothing to reach into
        assertThat(described(pdf.argValues(args("{'path': 'a.pdf', 'content': '# hi'}"))))
                .containsExactly("path_write /path=a.pdf");
    }

    @Test
    void absentArgumentsUseTheServersDefault() {
        ToolSpec status = tool("git", "git_status");
        assertThat(described(status.argValues(args("{}")))).containsExactly("path_read /path=.");
        assertThat(described(status.argValues(args("{'path': '/srv/repo'}")))).containsExactly(
                "path_read /path=/srv/repo");
        assertThat(described(status.argValues(args("{'repo_path': '/srv/repo'}")))).containsExactly(
                "path_read /repo_path=/srv/repo", "path_read /path=.");
    }

    @Test
    void conditionsAddArgsForDestructiveModes() {
        ToolSpec reset = tool("git", "git_reset");
        assertThat(described(reset.argValues(args("{'path': 'r', 'mode': 'soft'}"))))
                .containsExactly("path_write /path=r");
        assertThat(described(reset.argValues(args("{'path': 'r', 'mode': 'hard'}"))))
                .containsExactly("path_write /path=r", "path_delete /path=r");
        assertThat(described(tool("git", "git_clean").argValues(args("{'force': true}"))))
                .containsExactly("path_read /path=.", "path_delete /path=.");
        assertThat(described(tool("git", "git_branch").argValues(args("{'mode': 'delete', 'branchName': 'x'}"))))
                .contains("path_delete /path=.");
    }

    @Test
    void conditionsAddTagsForVariants() {
        ToolSpec gist = tool("github", "create_gist");
        assertThat(gist.conditionalTags(args("{'public': true}"))).extracting(Tag::label)
                .containsExactly("public_exposure");
        assertThat(gist.conditionalTags(args("{'public': 'true'}"))).extracting(Tag::label)
                .containsExactly("public_exposure");
        assertThat(gist.conditionalTags(args("{'public': false}"))).isEmpty();
        assertThat(gist.conditionalTags(args("{}"))).isEmpty();
        ToolSpec trigger = tool("github", "actions_run_trigger");
        assertThat(trigger.conditionalTags(args("{'method': 'run_workflow'}"))).extracting(Tag::label)
                .containsExactly("deploy");
        assertThat(trigger.conditionalTags(args("{'method': 'cancel_workflow_run'}"))).isEmpty();
        assertThat(tool("git", "git_push").conditionalTags(args("{'delete': true, 'branch': 'old'}")))
                .extracting(Tag::label).containsExactly("vcs_history_rewrite");
    }

    @Test
    void forceFlagsAndRefspecsAreValuesToo() {
        List<ArgValue> values = tool("git", "git_push").argValues(args(
                "{'path': '.', 'branch': 'main', 'force': true, 'forceWithLease': false}"));
        assertThat(described(values)).containsExactly("path_read /path=.", "git_refspec /branch=main",
                "force_flag /force=true", "force_flag /forceWithLease=false");
        assertThat(values.stream().filter(v -> v.role() == ArgRole.FORCE_FLAG).map(ArgValue::isTrue))
                .containsExactly(true, false);
    }

    @Test
    void nonStringValuesAreGivenAsJson() {
        List<ArgValue> values = tool("mcp-server-commands", "run_process").argValues(args(
                "{'mode': 'executable', 'argv': ['rm', '-rf', '/tmp/x']}"));
        assertThat(values).singleElement().satisfies(v -> {
            assertThat(v.role()).isEqualTo(ArgRole.ARGV);
            assertThat(v.value().isArray()).isTrue();
            assertThat(v.text()).isEqualTo("[\"rm\",\"-rf\",\"/tmp/x\"]");
        });
    }

    @Test
    void pointersFollowRfc6901Escapes() {
        JsonNode root = args("{'a/b': {'c~d': 'x'}, 'list': ['p', 'q'], 'map': {'k1': 'v1', 'k2': 'v2'}}");
        assertThat(ArgPointer.resolve(root, "/a~1b/c~0d")).extracting(ArgPointer.Match::pointer)
                .containsExactly("/a~1b/c~0d");
        assertThat(ArgPointer.resolve(root, "/list/1")).extracting(m -> m.value().asText()).containsExactly("q");
        assertThat(ArgPointer.resolve(root, "/map/*")).extracting(ArgPointer.Match::pointer)
                .containsExactly("/map/k1", "/map/k2");
        assertThat(ArgPointer.resolve(root, "/missing/*")).isEmpty();
        assertThat(ArgPointer.resolve(root, "/list/7")).isEmpty();
        assertThat(ArgPointer.problem("/ok")).isNull();
        assertThat(ArgPointer.problem("/")).isNotNull();
        assertThat(ArgPointer.problem("/a~2")).isNotNull();
    }

    @Test
    void compatibilityConstructorsKeepTheOriginalShape() {
        ToolSpec spec = new ToolSpec("x", List.of(), List.of(new ArgSpec("/p", ArgRole.PATH_READ)));
        assertThat(spec.when()).isEmpty();
        assertThat(spec.args().getFirst().absent()).isNull();
    }
}
