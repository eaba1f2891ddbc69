package io.lamina.fs;

/**
 * The changes of one setattr call. A null field is left as it is.
 * Times are nanoseconds since the epoch, or {@link #NOW}.
 */
public record SetAttr(Integer mode, Integer uid, Integer gid, Long size, Long atimeNs, Long mtimeNs,
                      Long ctimeNs) {
    /** A time value meaning "the current time". */
    public static final long NOW = Long.MIN_VALUE;

    public static SetAttr none() {
        return new SetAttr(null, null, null, null, null, null, null);
    }

    public SetAttr withMode(int m) {
        return new SetAttr(m, uid, gid, size, atimeNs, mtimeNs, ctimeNs);
    }

    public SetAttr withOwner(Integer u, Integer g) {
        return new SetAttr(mode, u, g, size, atimeNs, mtimeNs, ctimeNs);
    }

    public SetAttr withSize(long s) {
        return new SetAttr(mode, uid, gid, s, atimeNs, mtimeNs, ctimeNs);
    }

    public SetAttr withTimes(Long atime, Long mtime) {
        return new SetAttr(mode, uid, gid, size, atime, mtime, ctimeNs);
    }
}
