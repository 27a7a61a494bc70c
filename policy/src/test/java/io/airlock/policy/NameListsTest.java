package io.airlock.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NameListsTest {

    @Test
    void emptyAllowlistAdmitsEverything() {
        assertThat(NameLists.OPEN.admits("anything")).isTrue();
        assertThat(NameLists.OPEN.denying("anything")).isNull();
    }

    @Test
    void denyingReturnsTheFirstMatchingEntry() {
        NameLists lists = NameLists.of(List.of(), List.of("a*", "ab*"));
        assertThat(lists.denying("abc")).isEqualTo(Glob.of("a*"));
        assertThat(lists.denying("b")).isNull();
    }

    @Test
    void listsAreCopiedAndCompareByPattern() {
        List<String> allow = new ArrayList<>(List.of("read_*"));
        NameLists lists = NameLists.of(allow, List.of("rm"));
        allow.add("write_*");
        assertThat(lists.allow()).hasSize(1);
        assertThat(lists).isEqualTo(NameLists.of(List.of("read_*"), List.of("rm")));
        assertThat(lists.admits("write_x")).isFalse();
    }
}
