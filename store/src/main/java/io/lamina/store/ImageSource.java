package io.lamina.store;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The files of an image to import, by their path inside the image (index.json,
 * blobs/sha256/HEX, manifest.json, HEX/layer.tar...): an OCI layout directory read in place, or an
 * archive (oci-archive or docker-save tar, optionally gzip or zstd compressed) whose members are
 * first extracted, in the order the tar has them, to a staging directory, each digested on the way.
 */
abstract sealed class ImageSource {

    /** A file of the image; {@code digest} is known for extracted members, else null. */
    record Member(Path file, String digest, long size) {
    }

    /** The path the user gave. */
    abstract Path path();

    /** The member at {@code path} (relative, '/'-separated), if the image has it. */
    abstract Optional<Member> member(String path);

    /** Whether the image has a member at {@code path}. */
    final boolean has(String path) {
        return member(path).isPresent();
    }

    /**
     * Opens {@code path} as an image source, extracting archives into {@code staging}.
     *
     * @throws StoreException one line naming the path: missing, unreadable, or not an image
     */
    static ImageSource open(Path path, Path staging, ImageImport.Progress progress) {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS) && !Files.exists(path)) {
            throw new StoreException(path + ": no such file or directory");
        }
        if (Files.isDirectory(path)) {
            if (!Files.isRegularFile(path.resolve("index.json"))) {
                throw new StoreException(path + ": not an image (a directory without index.json is no OCI image layout)");
            }
            return new Dir(path);
        }
        if (!Files.isRegularFile(path)) {
            throw new StoreException(path + ": not an image (not a regular file or directory)");
        }
        return Archive.extract(path, staging, progress);
    }

    /** An OCI image layout directory, read in place. */
    static final class Dir extends ImageSource {
        private final Path root;

        Dir(Path root) {
            this.root = root;
        }

        @Override
        Path path() {
            return root;
        }

        @Override
        Optional<Member> member(String path) {
            String clean = Archive.clean(path);
            if (clean == null) {
                return Optional.empty();
            }
            Path p = root.resolve(clean);
            return Files.isRegularFile(p) ? Optional.of(new Member(p, null, -1)) : Optional.empty();
        }
    }

    /** An archive extracted to staging; symlinks and hardlinks between members are followed. */
    static final class Archive extends ImageSource {
        private static final int MAX_ALIAS_HOPS = 16;
        private final Path path;
        private final Map<String, Member> members = new HashMap<>();
        private final Map<String, String> aliases = new HashMap<>();

        private Archive(Path path) {
            this.path = path;
        }

        static Archive extract(Path path, Path staging, ImageImport.Progress progress) {
            Archive a = new Archive(path);
            try (InputStream raw = new BufferedInputStream(new Counted(Files.newInputStream(path), progress, Files.size(path)), 1 << 16)) {
                BufferedInputStream in = (BufferedInputStream) raw;
                LayerCompression outer = LayerCompression.detect(in);
                InputStream tarStream = outer.decompress(in);
                BufferedInputStream tarIn = new BufferedInputStream(tarStream, 1 << 16);
                if (!looksLikeTar(tarIn)) {
                    throw new StoreException(path + ": not an image (neither an OCI layout directory nor a tar archive)");
                }
                Files.createDirectories(staging);
                TarArchiveInputStream tar = new TarArchiveInputStream(tarIn);
                TarArchiveEntry e;
                int n = 0;
                byte[] buf = new byte[1 << 16];
                while ((e = tar.getNextEntry()) != null) {
                    String name = clean(e.getName());
                    if (name == null) {
                        throw new StoreException(path + ": member '" + e.getName() + "': path leaves the archive");
                    }
                    if (e.isSymbolicLink()) {
                        String dir = name.contains("/") ? name.substring(0, name.lastIndexOf('/') + 1) : "";
                        String target = clean(e.getLinkName().startsWith("/") ? e.getLinkName() : dir + e.getLinkName());
                        if (target != null) {
                            a.aliases.put(name, target);
                        }
                    } else if (e.isLink()) {
                        String target = clean(e.getLinkName());
                        if (target != null) {
                            a.aliases.put(name, target);
                        }
                    } else if (e.isFile()) {
                        Path file = staging.resolve("m" + (n++));
                        Sha256.Out out;
                        try (OutputStream fo = Files.newOutputStream(file)) {
                            out = new Sha256.Out(fo);
                            int r;
                            while ((r = tar.read(buf)) >= 0) {
                                out.write(buf, 0, r);
                            }
                        }
                        if (out.count() != e.getSize()) {
                            throw new StoreException(path + ": member '" + name + "': truncated archive");
                        }
                        a.members.put(name, new Member(file, out.digest(), out.count()));
                    }
                }
                if (a.members.isEmpty()) {
                    throw new StoreException(path + ": not an image (an empty tar archive)");
                }
                return a;
            } catch (IOException e) {
                throw new StoreException(path + ": not a readable archive (" + e.getMessage() + ")", e);
            }
        }

        /** Tells {@code progress} how much of the archive file was read ("extract" phase). */
        private static final class Counted extends java.io.FilterInputStream {
            private final ImageImport.Progress progress;
            private long count;
            private long reported;

            Counted(InputStream in, ImageImport.Progress progress, long total) {
                super(in);
                this.progress = progress;
                progress.phase("extract", total);
            }

            @Override
            public int read() throws IOException {
                int b = in.read();
                if (b >= 0) {
                    count++;
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = in.read(b, off, len);
                if (n > 0) {
                    count += n;
                    if (count - reported >= (1 << 20)) {
                        reported = count;
                        progress.advance(count);
                    }
                }
                return n;
            }
        }

        /** A POSIX or GNU tar has "ustar" at offset 257 of its first header. */
        private static boolean looksLikeTar(BufferedInputStream in) throws IOException {
            in.mark(512);
            byte[] head = in.readNBytes(512);
            in.reset();
            return head.length == 512 && new String(head, 257, 5, java.nio.charset.StandardCharsets.US_ASCII).equals("ustar");
        }

        /** {@code p} without "./", leading or doubled '/', or null when a ".." leaves the root. */
        static String clean(String p) {
            java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
            for (String c : p.split("/")) {
                if (c.isEmpty() || c.equals(".")) {
                    continue;
                }
                if (c.equals("..")) {
                    if (parts.isEmpty()) {
                        return null;
                    }
                    parts.removeLast();
                } else {
                    parts.addLast(c);
                }
            }
            return String.join("/", parts);
        }

        @Override
        Path path() {
            return path;
        }

        @Override
        Optional<Member> member(String p) {
            String name = clean(p);
            for (int hops = 0; name != null && hops < MAX_ALIAS_HOPS; hops++) {
                Member m = members.get(name);
                if (m != null) {
                    return Optional.of(m);
                }
                name = aliases.get(name);
            }
            return Optional.empty();
        }
    }
}
