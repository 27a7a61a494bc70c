package io.airlock.policy.catalog;

/** The catalog is malformed; the message names the source and the entry, e.g. {@code catalog.yaml: kinds.git…}. */
public final class CatalogException extends IllegalArgumentException {

    public CatalogException(String message) {
        super(message);
    }

    public CatalogException(String message, Throwable cause) {
        super(message, cause);
    }
}
