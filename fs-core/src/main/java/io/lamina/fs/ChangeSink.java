package io.lamina.fs;

/**
 * Told of every change the engine makes to the upper, after the change succeeded (set with
 * {@link UnionSpec#withChanges}). Called by the thread that made the change, holding the engine's
 * lock, so an implementation must be quick and must not call back into the engine: hand the
 * change to a queue (the store's journal puts it on a ring) and return. Never called when no sink
 * is set, and nothing is computed for it then.
 *
 * <p>What is reported, one {@link Change} per upper path touched:
 * <ul>
 * <li>create, mkdir, mknod, symlink, link: {@link Change.Kind#CREATED} of the new name (link also
 *     {@link Change.Kind#METADATA} of the source, whose link count changed);</li>
 * <li>unlink, rmdir: {@link Change.Kind#DELETED} (the upper then holds a whiteout or nothing);</li>
 * <li>rename: {@link Change.Kind#DELETED} of the old name, then {@link Change.Kind#CREATED} of the
 *     new one (both names both ways for RENAME_EXCHANGE); a directory moves with everything in it;</li>
 * <li>setattr: {@link Change.Kind#DATA} when it truncates, else {@link Change.Kind#METADATA};
 *     setxattr, removexattr: {@link Change.Kind#METADATA};</li>
 * <li>writes through an open file: {@link Change.Kind#DATA} when a regular file is opened for
 *     writing (or created), and again at each flush (every close(2)) and at release of that
 *     handle. Single write and fallocate calls are not reported: with FUSE passthrough the
 *     kernel writes without asking the engine, so the file is reported around them instead.</li>
 * </ul>
 * Copy-ups are not reported on their own: they happen only as part of the calls above, and the
 * ancestors a change copied up are the parents of its path.
 */
@FunctionalInterface
public interface ChangeSink {

    void changed(Change change);
}
