package io.lamina.fs;

/**
 * One name in a lower directory listing. {@code type} is null for a whiteout; {@code ino} is the
 * inode number within the layer (as {@link LowerEntry}'s stat gives it).
 */
public record LowerDirEntry(String name, long ino, FileType type) {

    public boolean isWhiteout() {
        return type == null;
    }
}
