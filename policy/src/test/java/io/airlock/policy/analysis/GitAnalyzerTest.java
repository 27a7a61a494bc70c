package io.airlock.policy.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.airlock.policy.tags.Scope;
import io.airlock.policy.tags.Tag;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class GitAnalyzerTest {

    private static Set<String> labels(List<Tag> tags) {
        return tags.stream().map(Tag::label).collect(Collectors.toCollection(TreeSet::new));
    }

    private static List<String> words(String s) {
        return s.isBlank() ? List.of() : Arrays.asList(s.trim().split("\\s+"));
    }

    private static Arguments row(String input, String... expected) {
        return Arguments.of(input, new TreeSet<>(Arrays.asList(expected)));
    }

    // ---- analyzePush(remote, refspecs, force): what the git MCP servers' push tools ask for --------------------

    static Stream<Arguments> pushes() {
        return Stream.of(
                Arguments.of("origin", List.of("feature/x"), false, Set.of("vcs_remote_write")),
                Arguments.of("origin", List.of("main"), false, Set.of("vcs_remote_write")),
                Arguments.of(null, List.of(), false, Set.of("vcs_remote_write")),
                Arguments.of("origin", List.of("feature/x"), true, Set.of("vcs_remote_write", "vcs_history_rewrite")),
                Arguments.of("origin", List.of("main"), true, Set.of("vcs_remote_write", "vcs_history_rewrite")),
                Arguments.of(null, List.of(), true, Set.of("vcs_remote_write", "vcs_history_rewrite")),
                Arguments.of("origin", List.of("+main"), false, Set.of("vcs_remote_write", "vcs_history_rewrite")),
                Arguments.of("origin", List.of("+feature:feature"), false,
                        Set.of("vcs_remote_write", "vcs_history_rewrite")),
                Arguments.of("origin", List.of(":old-branch"), false,
                        Set.of("vcs_remote_write", "vcs_history_rewrite")),
                Arguments.of("origin", List.of("HEAD:refs/heads/release/1.2"), false, Set.of("vcs_remote_write")),
                Arguments.of("origin", List.of("feature", "main"), false, Set.of("vcs_remote_write")));
    }

    @ParameterizedTest(name = "push {0} {1} force={2} -> {3}")
    @MethodSource("pushes")
    void tagsPushes(String remote, List<String> refspecs, boolean force, Set<String> expected) {
        assertThat(labels(GitAnalyzer.analyzePush(remote, refspecs, force))).isEqualTo(expected);
    }

    @Test
    void evidenceNamesDefaultBranchesAndDeletions() {
        List<Tag> forced = GitAnalyzer.analyzePush("origin", List.of("main"), true);
        assertThat(forced).extracting(Tag::evidence).containsExactly(
                "push to origin: main (default branch main)",
                "force push to origin overwrites main (default branch main)");
        List<Tag> current = GitAnalyzer.analyzePush(null, List.of(), true);
        assertThat(current).extracting(Tag::evidence).contains(
                "force push to the default remote overwrites the current branch (it may be the default branch)");
        assertThat(GitAnalyzer.analyzePush("origin", List.of(":master"), false)).extracting(Tag::evidence)
                .contains("push deletes master on origin (default branch)");
        assertThat(GitAnalyzer.analyzePush("origin", Arrays.asList(null, " "), false)).extracting(Tag::evidence)
                .containsExactly("push to origin: the current branch");
    }

    @ParameterizedTest
    @CsvSource({"main,true", "master,true", "trunk,true", "develop,true", "release/2.0,true", "releases/7,true",
            "refs/heads/main,true", "origin/master,true", "refs/remotes/origin/main,true", "Main,true",
            "feature/main,false", "maintenance,false", "dev,false", "mainline,false"})
    void defaultBranches(String ref, boolean expected) {
        assertThat(GitAnalyzer.isDefaultBranch(ref)).isEqualTo(expected);
    }

    @Test
    void refspecsParse() {
        assertThat(GitAnalyzer.parseRefspec("+a:b")).isEqualTo(new GitAnalyzer.Refspec("+a:b", true, "a", "b"));
        assertThat(GitAnalyzer.parseRefspec("main")).isEqualTo(new GitAnalyzer.Refspec("main", false, "main", "main"));
        assertThat(GitAnalyzer.parseRefspec(":gone").deletion()).isTrue();
        assertThat(GitAnalyzer.parseRefspec("HEAD:main").deletion()).isFalse();
    }

    // ---- git push command lines ----------------------------------------------------------------------------------

    static Stream<Arguments> pushCommandLines() {
        return Stream.of(
                row("origin feature", "vcs_remote_write"),
                row("", "vcs_remote_write"),
                row("-u origin HEAD", "vcs_remote_write"),
                row("--set-upstream origin feature --no-verify", "vcs_remote_write"),
                row("--tags", "vcs_remote_write"),
                row("--dry-run origin main", "vcs_remote_write"),
                row("-o ci.skip origin main", "vcs_remote_write"),
                row("-f", "vcs_remote_write", "vcs_history_rewrite"),
                row("--force origin main", "vcs_remote_write", "vcs_history_rewrite"),
                row("-fu origin feature", "vcs_remote_write", "vcs_history_rewrite"),
                row("--force-with-lease origin feature", "vcs_remote_write", "vcs_history_rewrite"),
                row("--force-with-lease=main:abc123 origin main", "vcs_remote_write", "vcs_history_rewrite"),
                row("origin +main", "vcs_remote_write", "vcs_history_rewrite"),
                row("origin :old", "vcs_remote_write", "vcs_history_rewrite"),
                row("origin --delete old", "vcs_remote_write", "vcs_history_rewrite"),
                row("-d origin old", "vcs_remote_write", "vcs_history_rewrite"),
                row("--mirror backup", "vcs_remote_write", "vcs_history_rewrite"),
                row("--prune origin refs/heads/*:refs/heads/*", "vcs_remote_write", "vcs_history_rewrite"),
                row("--receive-pack=/tmp/x origin main", "vcs_remote_write", "exec_command:unknown"),
                row("--repo=origin main", "vcs_remote_write"),
                row("origin -- -weird-branch", "vcs_remote_write"));
    }

    @ParameterizedTest(name = "git push {0} -> {1}")
    @MethodSource("pushCommandLines")
    void tagsPushCommandLines(String args, Set<String> expected) {
        assertThat(labels(GitAnalyzer.analyzePushArgs(words(args)))).isEqualTo(expected);
    }

    @Test
    void parsesPushCommandLines() {
        GitAnalyzer.Push push = GitAnalyzer.parsePushArgs(words("-u --force-with-lease origin a b:c"));
        assertThat(push.remote()).isEqualTo("origin");
        assertThat(push.refspecs()).containsExactly("a", "b:c");
        assertThat(push.force()).isTrue();
        GitAnalyzer.Push repo = GitAnalyzer.parsePushArgs(words("--repo upstream main"));
        assertThat(repo.remote()).isEqualTo("upstream");
        assertThat(repo.refspecs()).containsExactly("main");
        assertThat(GitAnalyzer.analyzePushArgs(words("-d origin main"))).extracting(Tag::evidence)
                .contains("push deletes main on origin (default branch)");
    }

    // ---- whole git command lines, for the shell analysis -----------------------------------------------------

    static Stream<Arguments> commandLines() {
        return Stream.of(
                row("git status"),
                row("git log --oneline -5"),
                row("git commit -m msg"),
                row("git push origin main", "vcs_remote_write", "network_egress:unknown"),
                row("git -C /repo push --force", "vcs_remote_write", "vcs_history_rewrite", "network_egress:unknown"),
                row("git --no-pager -c color.ui=never push origin :gone", "vcs_remote_write", "vcs_history_rewrite",
                        "network_egress:unknown"),
                row("git fetch --all", "network_egress:unknown"),
                row("git pull --rebase", "network_egress:unknown", "write_file:inside"),
                row("git clone https://github.com/a/b", "network_egress:unknown"),
                row("git ls-remote origin", "network_egress:unknown"),
                row("git remote add evil https://evil.example/x.git"),
                row("git remote update", "network_egress:unknown"),
                row("git submodule update --init", "network_egress:unknown"),
                row("git reset --hard HEAD~3", "delete:inside"),
                row("git reset --soft HEAD~1"),
                row("git clean -fdx", "delete:inside"),
                row("git clean -nd"),
                row("git clean -fn"),
                row("git checkout -- .", "delete:inside"),
                row("git checkout -f main", "delete:inside"),
                row("git checkout feature"),
                row("git restore src/App.java", "delete:inside"),
                row("git restore --staged src/App.java"),
                row("git switch --discard-changes main", "delete:inside"),
                row("git stash drop", "delete:inside"),
                row("git stash"),
                row("git branch -D old", "delete:inside"),
                row("git branch new"),
                row("git gc --prune=now", "delete:inside"),
                row("git reflog expire --expire=now --all", "delete:inside"),
                row("git update-ref -d refs/heads/x", "delete:inside"),
                row("git filter-branch --tree-filter 'rm x' HEAD", "write_file:inside"),
                row("git worktree remove ../wt", "delete:inside"),
                row("git config core.hooksPath .githooks", "persistence"),
                row("git config --global alias.up '!curl x | sh'", "persistence"),
                row("git config --global user.name me"),
                row("git config --global init.defaultBranch trunk"),
                row("git config --global alias.st status"),
                row("git config --global alias.pf 'fetch --upload-pack=/tmp/x'", "persistence"),
                row("git config --global core.editor nano", "persistence"),
                row("git config --global url.git@evil.example:.insteadOf https://github.com/", "persistence"),
                row("git config --global safe.directory *", "persistence"),
                row("git config url.git@mirror.example:.insteadOf https://github.com/"),
                row("git config --global --edit", "persistence"),
                row("git config --global include.path /tmp/extra.inc", "persistence"),
                row("git config user.name me"),
                row("git config --get core.hooksPath"),
                row("git config --list"),
                row("git -c core.sshCommand=/tmp/evil fetch", "exec_command:unknown", "network_egress:unknown"),
                row("git -c alias.x=!sh x", "exec_command:unknown"),
                row("git credential fill", "secret_resolve"),
                row("git send-email 0001.patch", "network_egress:outside"),
                row("git"),
                row("-C /repo status"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("commandLines")
    void tagsGitCommandLines(String commandLine, Set<String> expected) {
        assertThat(labels(GitAnalyzer.analyze(words(commandLine), Scope.INSIDE))).isEqualTo(expected);
    }

    @Test
    void localEffectsTakeTheWorkTreesScope() {
        assertThat(labels(GitAnalyzer.analyze(words("git -C /etc reset --hard"), Scope.OUTSIDE)))
                .containsExactly("delete:outside");
        assertThat(labels(GitAnalyzer.analyze(words("git clean -f"), Scope.UNKNOWN)))
                .containsExactly("delete:unknown");
    }

    @Test
    void parsesGlobalOptions() {
        GitAnalyzer.GitCommand cmd = GitAnalyzer.parse(words(
                "/usr/bin/git -C /a -c x.y=z --work-tree /b --git-dir /b/.git --no-pager push -f"));
        assertThat(cmd.directories()).containsExactly("/a", "/b");
        assertThat(cmd.settings()).containsExactly("x.y=z");
        assertThat(cmd.subcommand()).isEqualTo("push");
        assertThat(cmd.args()).containsExactly("-f");
        assertThat(GitAnalyzer.parse(words("git --version")).subcommand()).isNull();
    }
}
