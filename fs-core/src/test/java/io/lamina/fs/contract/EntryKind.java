package io.lamina.fs.contract;

import static io.lamina.fs.contract.LayerFixtures.*;

/** The kinds of lower entry a scenario targets, with the fixture path of each. */
public enum EntryKind {
    FILE(LayerFixtures.FILE, Category.REGULAR),
    NESTED_FILE(DIR_CHILD, Category.REGULAR),
    SPARSE_FILE(SPARSE, Category.REGULAR),
    XATTR_FILE(LayerFixtures.XATTR_FILE, Category.REGULAR),
    HARDLINK(HARDLINK_1, Category.REGULAR),
    SETUID_FILE(LayerFixtures.SETUID_FILE, Category.REGULAR),
    NON_ASCII_FILE(NON_ASCII, Category.REGULAR),
    DIRECTORY(DIR, Category.DIRECTORY),
    NESTED_DIR(DIR_SUB, Category.DIRECTORY),
    EMPTY_DIRECTORY(EMPTY_DIR, Category.DIRECTORY),
    /** New entries inherit its group; new directories its setgid bit. */
    SETGID_DIRECTORY(SETGID_DIR, Category.DIRECTORY),
    OPAQUE_DIR(OPAQUE, Category.DIRECTORY, true),
    REDIRECTED_DIR(REDIRECTED, Category.DIRECTORY, true),
    SYMLINK(SYMLINK_REL, Category.SYMLINK),
    ABSOLUTE_SYMLINK(SYMLINK_ABS, Category.SYMLINK),
    DANGLING_SYMLINK(SYMLINK_DANGLING, Category.SYMLINK),
    FIFO(LayerFixtures.FIFO, Category.SPECIAL),
    CHAR_DEVICE(LayerFixtures.CHAR_DEVICE, Category.SPECIAL),
    BLOCK_DEVICE(LayerFixtures.BLOCK_DEVICE, Category.SPECIAL),
    SOCKET(LayerFixtures.SOCKET, Category.SPECIAL),
    WHITEOUT_FILE(WHITEOUT, Category.ABSENT, true),
    WHITEOUT_DIR(LayerFixtures.WHITEOUT_DIR, Category.ABSENT, true),
    REDIRECT_ORIGIN_NAME(REDIRECT_ORIGIN, Category.ABSENT, true);

    /** What a user finds at the path. */
    public enum Category { REGULAR, DIRECTORY, SYMLINK, SPECIAL, ABSENT }

    public final String path;
    public final Category category;
    /** Whether the kind is about layer markers, whose OCI form must be exercised too. */
    public final boolean marker;

    EntryKind(String path, Category category) {
        this(path, category, false);
    }

    EntryKind(String path, Category category, boolean marker) {
        this.path = path;
        this.category = category;
        this.marker = marker;
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    public boolean is(Category c) {
        return category == c;
    }
}
