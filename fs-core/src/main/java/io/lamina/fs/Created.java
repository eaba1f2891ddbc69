package io.lamina.fs;

/** The result of create: the new node and an open handle on it. */
public record Created(Entry entry, long fh) {
}
