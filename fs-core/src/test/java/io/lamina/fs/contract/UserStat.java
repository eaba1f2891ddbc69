package io.lamina.fs.contract;

import io.lamina.fs.FileType;

/**
 * What lstat(2) shows a user of one path, as far as the contract compares it. {@code ino} is only
 * ever compared for equality within one target (which paths share an inode, whether it changed),
 * never across targets.
 */
public record UserStat(FileType type, int mode, int uid, int gid, long size, long nlink, long rdev,
                       long ino, long atimeSec, long atimeNsec, long mtimeSec, long mtimeNsec) {

    /** Permission bits including setuid, setgid and sticky. */
    public int permissions() {
        return mode & 07777;
    }
}
