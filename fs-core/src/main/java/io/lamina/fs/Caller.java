package io.lamina.fs;

/** Who asks: owner of new nodes, subject of access checks. */
public record Caller(int uid, int gid) {
    public static final Caller ROOT = new Caller(0, 0);
}
