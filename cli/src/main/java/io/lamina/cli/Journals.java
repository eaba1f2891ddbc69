package io.lamina.cli;

import io.lamina.fuse.MountCommandSupport;
import io.lamina.fuse.MountException;
import io.lamina.fuse.MountedLayers;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the change journal of a running mount, or says in one line why there is none. */
final class Journals {
    private Journals() {
    }

    static Path of(MountCommandSupport support, Path mountpoint) {
        MountedLayers m = support.mounted(mountpoint);
        if (m.journal() == null || !Files.isRegularFile(m.journal())) {
            throw new MountException(MountException.FAILED, m.mountpoint() + " keeps no change journal (mounted read-only?)");
        }
        return m.journal();
    }
}
