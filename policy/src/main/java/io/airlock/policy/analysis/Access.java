package io.airlock.policy.analysis;

/** What a call does to a path. */
public enum Access { READ, WRITE, DELETE, EXECUTE }
