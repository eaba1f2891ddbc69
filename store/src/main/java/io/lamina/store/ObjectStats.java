package io.lamina.store;

/** How many objects the store holds and their total size in bytes. */
public record ObjectStats(long count, long bytes) {
}
