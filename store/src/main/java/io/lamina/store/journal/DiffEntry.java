package io.lamina.store.journal;

/**
 * One line of {@code lamina diff}, as {@code docker diff} prints it.
 *
 * @param status 'A' added (not in the lower image), 'C' changed, 'D' deleted
 * @param path   absolute in the mount ("/etc/passwd")
 */
public record DiffEntry(char status, String path) {

    @Override
    public String toString() {
        return status + " " + path;
    }
}
