package io.airlock.receipts;

import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Parsing the lower-case ids that enums are written as on disk, with a message that lists the legal ones. */
final class Ids {
    private Ids() {
    }

    static <E extends Enum<E>> E parse(Class<E> type, E[] values, String id, Function<E, String> idOf) {
        for (E value : values) {
            if (idOf.apply(value).equals(id)) {
                return value;
            }
        }
        throw new IllegalArgumentException(type.getSimpleName().toLowerCase(java.util.Locale.ROOT) + ": '" + id
                + "' (expected one of: " + Arrays.stream(values).map(idOf).collect(Collectors.joining(", ")) + ")");
    }
}
