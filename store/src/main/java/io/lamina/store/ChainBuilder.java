package io.lamina.store;

import net.openhft.chronicle.map.ChronicleMap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Flattens a stack of layer indexes into a chain index, the kernel overlayfs way: a later layer
 * wins; a whiteout or a non-directory hides the name and everything below it; directories merge
 * down to an opaque one. The result (only the visible paths) is written to a Chronicle Map file
 * under a temporary name and renamed into place; concurrent builders of one chain write the same
 * content, so whichever rename lands last is as good as the other.
 */
final class ChainBuilder {

    /** A visible path while flattening. */
    private static final class Node {
        final int ordinal;
        final int position;
        final boolean dir;
        int[] merged; // (ordinal, position) pairs, top first
        boolean opaque;
        int subdirs;

        Node(int ordinal, int position, boolean dir) {
            this.ordinal = ordinal;
            this.position = position;
            this.dir = dir;
        }
    }

    private ChainBuilder() {
    }

    /** Builds the chain index of {@code layers} (bottom first) into {@code target}. */
    static void build(List<IndexFile> layers, Path target, Path tmpDir) {
        TreeMap<String, Node> nodes = new TreeMap<>();
        Node root = new Node(ChainValue.ROOT, -1, true);
        root.merged = new int[0];
        Map<Long, Integer> groupFirst = new HashMap<>();
        for (int o = 0; o < layers.size(); o++) {
            IndexFile idx = layers.get(o);
            if (idx.rootOpaque()) {
                nodes.clear();
                root.merged = new int[0];
                root.opaque = true;
            }
            root.merged = prepend(o, -1, root.merged);
            for (int i = 0; i < idx.size(); i++) {
                String path = idx.path(i);
                EntryKind kind = idx.kind(i);
                // Only a visible directory has visible paths below it.
                if (kind == EntryKind.WHITEOUT) {
                    Node old = nodes.remove(path);
                    if (old != null && old.dir) {
                        removeBelow(nodes, path);
                    }
                    continue;
                }
                if (kind == EntryKind.DIRECTORY) {
                    Node old = nodes.get(path);
                    Node n = new Node(o, i, true);
                    n.opaque = idx.opaque(i);
                    if (old != null && old.dir && !n.opaque) {
                        n.merged = prepend(o, i, old.merged);
                        n.opaque = old.opaque;
                    } else {
                        if (old != null && old.dir) {
                            removeBelow(nodes, path);
                        }
                        n.merged = new int[] {o, i};
                    }
                    nodes.put(path, n);
                    continue;
                }
                Node old = nodes.put(path, new Node(o, i, false));
                if (old != null && old.dir) {
                    removeBelow(nodes, path);
                }
                int g = idx.linkGroup(i);
                if (g > 0) {
                    groupFirst.putIfAbsent(((long) o << 32) | g, i);
                }
            }
        }
        Map<Long, Integer> groupNames = new HashMap<>();
        long keyBytes = 0, valueBytes = 0;
        for (var e : nodes.entrySet()) {
            Node n = e.getValue();
            keyBytes += e.getKey().length();
            valueBytes += ChainValue.HEAD + (n.dir ? 6L * n.merged.length / 2 : 0);
            if (!n.dir) {
                int g = layers.get(n.ordinal).linkGroup(n.position);
                if (g > 0) {
                    groupNames.merge(((long) n.ordinal << 32) | g, 1, Integer::sum);
                }
            } else {
                String p = e.getKey();
                int slash = p.lastIndexOf('/');
                Node parent = slash < 0 ? root : nodes.get(p.substring(0, slash));
                parent.subdirs++;
            }
        }
        int count = nodes.size() + 1;
        Path tmp;
        try {
            tmp = Files.createTempFile(tmpDir, "chain-", ".cm");
            Files.delete(tmp); // Chronicle creates the file itself
        } catch (IOException e) {
            throw new StoreException("cannot create a chain index under " + tmpDir + ": " + e.getMessage(), e);
        }
        try (ChronicleMap<String, byte[]> map = ChronicleMap.of(String.class, byte[].class)
                .name("lamina-chain")
                .entries(Math.max(count, 64))
                .averageKeySize(Math.max(4, (double) keyBytes / count + 1))
                .averageValueSize(Math.max(ChainValue.HEAD, (double) (valueBytes + 6L * layers.size()) / count))
                .createPersistedTo(tmp.toFile())) {
            map.put("", ChainValue.encode(ChainValue.ROOT, -1, -1, 2 + root.subdirs, root.opaque, root.merged));
            for (var e : nodes.entrySet()) {
                Node n = e.getValue();
                int ino = n.position, nlink;
                if (n.dir) {
                    nlink = 2 + n.subdirs;
                } else {
                    int g = layers.get(n.ordinal).linkGroup(n.position);
                    long key = ((long) n.ordinal << 32) | g;
                    ino = g > 0 ? groupFirst.get(key) : n.position;
                    nlink = g > 0 ? groupNames.get(key) : 1;
                }
                map.put(e.getKey(), ChainValue.encode(n.ordinal, n.position, ino, nlink, n.opaque,
                        n.dir ? n.merged : null));
            }
        } catch (IOException | RuntimeException e) {
            deleteQuietly(tmp);
            throw new StoreException("cannot write the chain index " + tmp + ": " + e.getMessage(), e);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new StoreException("cannot move the chain index into place at " + target + ": " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // left for gc, which removes everything under tmp/
        }
    }

    private static int[] prepend(int ordinal, int position, int[] merged) {
        int[] out = new int[merged.length + 2];
        out[0] = ordinal;
        out[1] = position;
        System.arraycopy(merged, 0, out, 2, merged.length);
        return out;
    }

    /** Removes every path strictly below {@code path} (in string order they are one range). */
    private static void removeBelow(TreeMap<String, Node> nodes, String path) {
        nodes.subMap(path + "/", path + "0").clear();
    }

    static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
