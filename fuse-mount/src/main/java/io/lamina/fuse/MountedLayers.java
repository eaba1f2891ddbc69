package io.lamina.fuse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * What a running lamina mount stacks, as its daemon recorded it for other commands ({@code lamina
 * usage}, {@code diff}, {@code commit}): the lower layers top first, the upper directory (null
 * for a private tmpfs upper, which no other process can reach), the mount point, the file of
 * its change journal (null when it keeps none) and the name of the stored image it mounts (null
 * for directory lowers).
 */
public record MountedLayers(List<Path> lowersTopFirst, Path upper, Path mountpoint, Path journal, String image) {

    public MountedLayers {
        lowersTopFirst = List.copyOf(lowersTopFirst);
    }

    /** Writes the record (aside, then renamed into place). */
    void write(Path file) {
        StringBuilder b = new StringBuilder();
        for (Path l : lowersTopFirst) b.append("lower=").append(l).append('\n');
        if (upper != null) b.append("upper=").append(upper).append('\n');
        b.append("mountpoint=").append(mountpoint).append('\n');
        if (journal != null) b.append("journal=").append(journal).append('\n');
        if (image != null) b.append("image=").append(image).append('\n');
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".new");
            Files.writeString(tmp, b, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the mount in " + file, e);
        }
    }

    static MountedLayers read(Path file) throws IOException {
        List<Path> lowers = new ArrayList<>();
        Path upper = null, mp = null, journal = null;
        String image = null;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int eq = line.indexOf('=');
            if (eq < 0) continue;
            String raw = line.substring(eq + 1);
            Path v = Path.of(raw);
            switch (line.substring(0, eq)) {
                case "image" -> image = raw;
                case "lower" -> lowers.add(v);
                case "upper" -> upper = v;
                case "mountpoint" -> mp = v;
                case "journal" -> journal = v;
                default -> { }
            }
        }
        return new MountedLayers(lowers, upper, mp, journal, image);
    }
}
