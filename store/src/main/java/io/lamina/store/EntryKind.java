package io.lamina.store;

/** The kind of a layer index entry. A WHITEOUT hides the name in the layers below. */
public enum EntryKind {
    REGULAR, DIRECTORY, SYMLINK, FIFO, CHAR_DEVICE, BLOCK_DEVICE, SOCKET, WHITEOUT
}
