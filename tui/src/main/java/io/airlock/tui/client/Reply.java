package io.airlock.tui.client;

/** The answer to a read ({@code GET}) from the admin API. */
public sealed interface Reply<T> {

    /** The same answer with an {@link Ok} value converted; failures pass through as they are. */
    default <R> Reply<R> map(java.util.function.Function<? super T, ? extends R> convert) {
        return switch (this) {
            case Ok<T> ok -> new Ok<>(convert.apply(ok.value()));
            case Refused<T> refused -> new Refused<>(refused.status(), refused.message());
            case Unauthorized<T> unauthorized -> new Unauthorized<>();
            case Unreachable<T> unreachable -> new Unreachable<>(unreachable.cause());
        };
    }

    /** 200, with the body read. */
    record Ok<T>(T value) implements Reply<T> {
    }

    /** The server answered but not with the thing asked for (404, 403, 5xx …), with its status and words. */
    record Refused<T>(int status, String message) implements Reply<T> {
    }

    /** 401: the token is missing or wrong. */
    record Unauthorized<T>() implements Reply<T> {
    }

    /** No answer: Airlock is not running at that address, or the connection broke. */
    record Unreachable<T>(String cause) implements Reply<T> {
    }
}
