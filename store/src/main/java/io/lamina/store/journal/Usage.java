package io.lamina.store.journal;

/**
 * What an upper uses, as {@code docker ps -s} shows it (see the package doc for what counts).
 *
 * @param diffBytes  apparent size of the upper
 * @param inodes     entries of the upper (each hard-link group once; whiteouts included)
 * @param lowerBytes sum of the regular-file sizes of the lower layers, taken at mount
 * @param changes    number of changed paths ({@code lamina diff} lines)
 */
public record Usage(long diffBytes, long inodes, long lowerBytes, long changes) {

    /** The image plus the diff, docker's "virtual" size. */
    public long virtualBytes() {
        return lowerBytes + diffBytes;
    }
}
