package io.lamina.fs;

/**
 * What stat(2) shows of a node. {@code mode} includes the file type bits ({@code S_IFMT}).
 * {@code ino} is the st_ino a user sees: stable for the life of the node, unchanged by copy-up.
 */
public record Attr(long ino, int mode, long nlink, int uid, int gid, long rdev, long size,
                   long blocks, int blksize, long atimeSec, int atimeNsec, long mtimeSec,
                   int mtimeNsec, long ctimeSec, int ctimeNsec) {

    public FileType type() {
        return FileType.ofMode(mode);
    }

    /** Permission bits including setuid, setgid and sticky. */
    public int permissions() {
        return mode & 07777;
    }
}
