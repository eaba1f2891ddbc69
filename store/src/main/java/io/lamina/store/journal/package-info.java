/**
 * The change journal of a mounted upper: the engine's {@link io.lamina.fs.ChangeSink} events go
 * onto an LMAX Disruptor ring; one consumer keeps the upper's usage and the set of changed paths
 * current and mirrors them into a Chronicle Map file per mount, which other processes (the
 * {@code lamina usage} and {@code lamina diff} commands) read with {@link io.lamina.store.journal.JournalView}
 * at a cost that grows with the number of changes, not with the image.
 *
 * <p>Terms: the <em>diff size</em> is the apparent size of the upper: st_size of its regular
 * files and symlinks, each inode once, metadata-only copies (overlayfs metacopy) counting 0
 * because their data stays in the lower; directories, whiteouts and special files count 0 bytes
 * (as {@code docker ps -s} counts). Every upper entry but the root counts as an inode only once
 * per hard-link group. A path's status is that of {@code docker diff}: A (added: the lower image
 * has no such path), C (changed: it has), D (deleted: the upper holds a whiteout).
 */
package io.lamina.store.journal;
