package io.lamina.store.journal;

import io.lamina.fs.FsException;
import io.lamina.sys.Posix;
import io.lamina.sys.Stat;

import java.nio.file.Path;
import java.util.List;

/**
 * Directory lower layers. {@link #contains} asks each layer, top first, for the path itself: the
 * first that has it answers (a whiteout there means no). A path under a directory that a higher
 * layer made opaque or whited out is not looked for further; such a path is counted as in the
 * image, which only changes an A into a C in {@code lamina diff}.
 */
final class DirLowerImage implements LowerImage {
    private final List<Path> topFirst;
    private long bytes = -1;

    DirLowerImage(List<Path> topFirst) {
        this.topFirst = List.copyOf(topFirst);
    }

    @Override
    public boolean contains(String path) {
        for (Path layer : topFirst) {
            Stat st;
            try {
                st = Posix.fstatatOrNull(Posix.AT_FDCWD, layer.resolve(path).toString(), Posix.AT_SYMLINK_NOFOLLOW);
            } catch (FsException e) {
                return false; // a non-directory on the way hides what is below
            }
            if (st != null) return !st.isCharDevice00();
        }
        return false;
    }

    @Override
    public synchronized long bytes() {
        if (bytes < 0) {
            long sum = 0;
            for (Path layer : topFirst) sum += UpperWalk.regularBytes(layer);
            bytes = sum;
        }
        return bytes;
    }

    @Override
    public String identity() {
        StringBuilder b = new StringBuilder("dirs");
        for (Path p : topFirst) {
            b.append(':').append(p);
            try {
                Stat st = Posix.fstatat(Posix.AT_FDCWD, p.toString(), 0);
                b.append('@').append(st.dev()).append('.').append(st.ino());
            } catch (FsException e) {
                b.append("@missing");
            }
        }
        return b.toString();
    }
}
