/**
 * lamina's union engine: a merged, copy-on-write view of read-only layers under one writable upper.
 *
 * <h2>Terms</h2>
 * <dl>
 * <dt>layer</dt><dd>an immutable directory tree; a stack of them is listed top first.</dd>
 * <dt>lower</dt><dd>a read-only layer under the upper. lamina never writes to one, and reads it
 *   only through {@link io.lamina.fs.LowerLayer}: a directory in the kernel overlayfs format or in
 *   OCI form ({@link io.lamina.fs.LowerLayer#ofDirectory}), or a layer (or flattened chain) served
 *   from a store.</dd>
 * <dt>upper</dt><dd>the one writable layer (a directory, or a private tmpfs), always in the kernel
 *   overlayfs format, with a work directory beside it on the same filesystem.</dd>
 * <dt>whiteout</dt><dd>a marker that hides a name of the layers below: a character device 0/0
 *   (overlayfs) or a file {@code .wh.<name>} (OCI).</dd>
 * <dt>opaque</dt><dd>a directory that hides everything below it: xattr
 *   {@code trusted.overlay.opaque=y} (overlayfs) or a {@code .wh..wh..opq} entry (OCI).</dd>
 * <dt>redirect</dt><dd>xattr {@code trusted.overlay.redirect} on an upper directory (or metacopy
 *   file) naming where its lower counterpart lives, written when a lower directory is renamed.</dd>
 * <dt>copy-up</dt><dd>making an upper copy of a lower entry before it is changed. Metadata-only
 *   copy-up (chmod, chown, utimes, xattrs, link, rename) leaves the data in the lower layer and marks
 *   the upper file {@code trusted.overlay.metacopy}; the first data write copies the data.</dd>
 * <dt>NodeId vs st_ino</dt><dd>a NodeId names a node to the transport, is handed out by one
 *   allocator and lives while the transport holds lookups on it; st_ino is what stat shows, fixed
 *   at the node's birth (a copied-up file keeps its lower inode number).</dd>
 * <dt>chain</dt><dd>an ordered stack of committed layers, as OCI defines it.</dd>
 * </dl>
 */
package io.lamina.fs;
