package io.airlock.policy.shell;

/** Where data flowing through a pipe, a variable or a file came from, when that matters for running it. */
enum Taint {
    /** Fetched from the network (curl, wget, nc, ssh, /dev/tcp, ...). */
    NETWORK,
    /** Produced by a decoder (base64 -d, xxd -r, openssl enc -d, gzip -d, rev, tr rot13, ...). */
    DECODED,
    /** Built from content the analyser cannot see (variables, unknown programs' output). */
    DYNAMIC
}
