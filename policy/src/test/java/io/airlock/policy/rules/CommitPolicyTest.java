package io.airlock.policy.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CommitPolicyTest {

    private final CommitPolicy defaults = CommitPolicy.defaults();

    private CommitPolicy.Judgement judge(CommitPolicy policy, String... paths) {
        return policy.judge(java.util.Arrays.stream(paths).map(p -> new CommitPolicy.Change(p, 10)).toList());
    }

    @Test
    void ordinaryWorkspaceEditsAreCommitted() {
        assertThat(judge(defaults, "src/Main.java", "build/out/app.jar", "README.md", "docs/.gitkeep",
                "package-lock.json")).isInstanceOf(CommitPolicy.Judgement.Commit.class);
        assertThat(defaults.judge(List.of())).isInstanceOf(CommitPolicy.Judgement.Commit.class);
    }

    @Test
    void protectedPathsGoToTheOperatorWithTheReason() {
        for (String path : List.of(".git/config", ".git", ".github/workflows/ci.yml", ".gitlab-ci.yml", ".env",
                "config/.env.production", "certs/server.pem", "deploy/id_rsa", "sub/.npmrc", ".mcp.json",
                "infra/terraform.tfstate")) {
            assertThat(judge(defaults, "src/ok.txt", path)).as(path)
                    .isInstanceOfSatisfying(CommitPolicy.Judgement.Ask.class, ask -> assertThat(ask.reasons())
                            .singleElement().asString().startsWith(path + " is protected"));
        }
    }

    @Test
    void gitHooksAreDiscardedOutright() {
        assertThat(judge(defaults, "src/a.txt", ".git/hooks/pre-commit"))
                .isInstanceOfSatisfying(CommitPolicy.Judgement.Discard.class,
                        d -> assertThat(d.reason()).contains(".git/hooks/pre-commit"));
    }

    @Test
    void whatTheCommitCannotReproduceIsDiscardedAndReviewFlagsAsk() {
        assertThat(defaults.judge(List.of(new CommitPolicy.Change("src/a.txt", 1),
                new CommitPolicy.Change("pipe", 0, CommitPolicy.Status.UNCOMMITTABLE, "a fifo"))))
                .isInstanceOfSatisfying(CommitPolicy.Judgement.Discard.class,
                        d -> assertThat(d.reason()).contains("pipe", "a fifo"));
        assertThat(defaults.judge(List.of(new CommitPolicy.Change("link", 4, CommitPolicy.Status.REVIEW,
                "a symlink pointing outside the workspace (/etc)"))))
                .isInstanceOfSatisfying(CommitPolicy.Judgement.Ask.class,
                        a -> assertThat(a.reasons()).singleElement().asString().contains("/etc"));
    }

    @Test
    void sizeLimitsAsk() {
        CommitPolicy small = new CommitPolicy(List.of(), List.of(), false, 2, 100, 50);
        assertThat(judge(small, "a", "b", "c")).isInstanceOfSatisfying(CommitPolicy.Judgement.Ask.class,
                a -> assertThat(a.reasons()).anyMatch(r -> r.contains("maxFiles")));
        assertThat(small.judge(List.of(new CommitPolicy.Change("big.bin", 60))))
                .isInstanceOfSatisfying(CommitPolicy.Judgement.Ask.class,
                        a -> assertThat(a.reasons()).anyMatch(r -> r.contains("maxFileBytes")));
        assertThat(small.judge(List.of(new CommitPolicy.Change("a", 40), new CommitPolicy.Change("b", 40),
                new CommitPolicy.Change("c", 40)).subList(0, 2))).isInstanceOf(CommitPolicy.Judgement.Commit.class);
    }

    @Test
    void lockfilesAreProtectedOnlyWhenTheOperatorSaysSo() {
        CommitPolicy strict = new CommitPolicy(List.of(), List.of(), true, 100, 1 << 20, 1 << 20);
        assertThat(judge(strict, "web/package-lock.json")).isInstanceOf(CommitPolicy.Judgement.Ask.class);
        assertThat(judge(strict, "Cargo.lock")).isInstanceOf(CommitPolicy.Judgement.Ask.class);
        assertThat(judge(defaults, "Cargo.lock")).isInstanceOf(CommitPolicy.Judgement.Commit.class);
    }

    @Test
    void thePolicyFilesCommitSectionIsReadAndChecked() throws Exception {
        Policy policy = PolicyLoader.parse("""
                rules: []
                commit:
                  discard: ["secrets/**"]
                  protected: ["*.sql", "db/migrations/**"]
                  lockfiles: protected
                  maxFiles: 10
                  maxBytes: 1000
                  maxFileBytes: 500
                """, "test");
        CommitPolicy commit = policy.commit();
        assertThat(commit).isEqualTo(new CommitPolicy(List.of("secrets/**"), List.of("*.sql", "db/migrations/**"),
                true, 10, 1000, 500));
        assertThat(judge(commit, "db/migrations/001.sql")).isInstanceOf(CommitPolicy.Judgement.Ask.class);
        assertThat(judge(commit, "secrets/x")).isInstanceOf(CommitPolicy.Judgement.Discard.class);
        assertThat(PolicyLoader.parse("rules: []", "test").commit()).isEqualTo(CommitPolicy.defaults());
        assertThatThrownBy(() -> PolicyLoader.parse("rules: []\ncommit: {protected: [\"/etc/**\"]}", "p"))
                .hasMessageContaining("commit.protected[0]");
        assertThatThrownBy(() -> PolicyLoader.parse("rules: []\ncommit: {lockfiles: maybe}", "p"))
                .hasMessageContaining("commit.lockfiles");
        assertThatThrownBy(() -> PolicyLoader.parse("rules: []\ncommit: {maxFiles: -1}", "p"))
                .hasMessageContaining("commit.maxFiles");
        assertThatThrownBy(() -> PolicyLoader.parse("rules: []\ncommit: {autoCommit: true}", "p"))
                .hasMessageContaining("commit.autoCommit");
    }
}
