package io.airlock.policy.tagging;

import io.airlock.policy.analysis.AnalysisContext;
import io.airlock.policy.tags.Tag;
import java.util.List;

/** The argument analysers the tagger delegates to; each returns tags and never throws for bad input. */
public interface ArgumentAnalyzers {

    /** A shell command line (as run by {@code sh -c}). */
    List<Tag> shell(String command, AnalysisContext ctx);

    /** An SQL statement or script. */
    List<Tag> sql(String sql);

    /** A git push: remote, refspecs, and whether it is forced. */
    List<Tag> gitPush(String remote, List<String> refspecs, boolean force);
}
