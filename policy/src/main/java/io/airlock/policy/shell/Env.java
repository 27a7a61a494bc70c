package io.airlock.policy.shell;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The shell state analysis tracks along one path through a script: variables with known literal values (and the taint
 * of values that came from substitutions), and the current directory. Copied into subshells; merged after branches
 * (a variable that differs between branches becomes unknown).
 */
final class Env {

    /** A variable's value: {@code text} null when unknown. */
    record Value(String text, Set<Taint> taint, String shown) {
        static final Value UNKNOWN = new Value(null, Set.of(), null);

        Value {
            taint = taint.isEmpty() ? Set.of() : Set.copyOf(taint);
        }

        Value(String text, Set<Taint> taint) {
            this(text, taint, text);
        }
    }

    private final Map<String, Value> vars;
    /** Absolute current directory, or null when unknown (after {@code cd $X}). */
    private Path cwd;

    Env(Path cwd) {
        this.vars = new HashMap<>();
        this.cwd = cwd;
    }

    private Env(Map<String, Value> vars, Path cwd) {
        this.vars = new HashMap<>(vars);
        this.cwd = cwd;
    }

    Env copy() {
        return new Env(vars, cwd);
    }

    /** The variable's value; absent variables are unknown (they may come from the environment). */
    Value get(String name) {
        return vars.getOrDefault(name, Value.UNKNOWN);
    }

    boolean isSet(String name) {
        return vars.containsKey(name);
    }

    void set(String name, Value value) {
        vars.put(name, value);
    }

    void setUnknown(String name) {
        vars.put(name, Value.UNKNOWN);
    }

    Path cwd() {
        return cwd;
    }

    void cwd(Path cwd) {
        this.cwd = cwd;
    }

    /** Replaces this state with what holds after any one of {@code branches} ran. */
    void mergeFrom(List<Env> branches) {
        if (branches.isEmpty()) {
            return;
        }
        Env first = branches.getFirst();
        Map<String, Value> merged = new HashMap<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        for (Env b : branches) {
            names.addAll(b.vars.keySet());
        }
        for (String name : names) {
            Value v = first.vars.get(name);
            boolean same = true;
            EnumSet<Taint> taint = EnumSet.noneOf(Taint.class);
            for (Env b : branches) {
                Value other = b.vars.get(name);
                if (!Objects.equals(v, other)) {
                    same = false;
                }
                if (other != null) {
                    taint.addAll(other.taint());
                }
            }
            merged.put(name, same ? v : new Value(null, taint, null));
        }
        vars.clear();
        vars.putAll(merged);
        Path c = first.cwd;
        for (Env b : branches) {
            if (!Objects.equals(c, b.cwd)) {
                c = null;
            }
        }
        cwd = c;
    }
}
