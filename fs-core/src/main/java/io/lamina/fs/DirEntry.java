package io.lamina.fs;

/**
 * One name in a directory listing. {@code nextOffset} is the offset to resume after this entry
 * (listings are snapshots taken at opendir, so offsets are indexes into it and stay valid).
 */
public record DirEntry(String name, long ino, FileType type, long nextOffset) {
}
