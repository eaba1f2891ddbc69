package io.lamina.fs;

import java.nio.file.Path;

/**
 * One change of the upper (see {@link ChangeSink} for which call reports what).
 *
 * @param kind  what happened
 * @param path  the changed entry, relative to the upper root ("" for the root itself)
 * @param type  the type of the node the change is about
 * @param upper where the upper root can be reached in this process: the upper directory, or a
 *              {@code /proc/self/fd/N} path for a private tmpfs upper that has no other name
 */
public record Change(Kind kind, String path, FileType type, Path upper) {

    /** What happened to the entry. */
    public enum Kind {
        /** A new name: a created node, a hard link, or the new name of a rename. */
        CREATED,
        /** The data of a regular file changed (or may have: it was open for writing). */
        DATA,
        /** Mode, owner, times or xattrs changed. */
        METADATA,
        /** The name went away: the upper now holds a whiteout there, or nothing. */
        DELETED
    }
}
