package io.lamina.fs;

import io.lamina.sys.Posix;
import io.lamina.sys.Stat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Answers "which layer has this name" as a function of the stack (the kernel's lookup rules):
 * the upper first; a whiteout hides the name in every layer below; a non-directory hides everything
 * below it; directories merge down the stack until an opaque one; a redirect makes the layers below
 * continue at another path. It only reads.
 */
final class Resolver {
    private final List<Layer> layers;

    Resolver(List<Layer> layers) {
        this.layers = layers;
    }

    /**
     * Resolves {@code name} in a merged directory whose upper part is open as {@code parentUpperFd}
     * (-1 if the directory has no upper part) and whose lower parts are {@code parentLowers}. Null when the
     * name does not exist in the merged view.
     */
    Resolution resolve(int parentUpperFd, List<LowerRef> parentLowers, String name) {
        Function<Layer, String> byName = inParent(parentLowers, name);
        if (parentUpperFd >= 0) {
            Stat up = Posix.fstatatOrNull(parentUpperFd, name, Posix.AT_SYMLINK_NOFOLLOW);
            if (up != null) return resolveUpper(parentUpperFd, name, up, parentLowers, byName);
        }
        return resolveLower(byName);
    }

    /** Whether some lower layer under the given parent shows {@code name} (a removal then needs a whiteout). */
    boolean existsBelow(List<LowerRef> parentLowers, String name) {
        return !parentLowers.isEmpty() && resolveLower(inParent(parentLowers, name)) != null;
    }

    private Resolution resolveUpper(int dir, String name, Stat up, List<LowerRef> parentLowers,
                                    Function<Layer, String> byName) {
        if (WhiteoutFormat.isWhiteout(up)) return null;
        FileType type = FileType.ofMode(up.mode());
        long origin = WhiteoutFormat.origin(dir, name);
        if (type == FileType.DIRECTORY) {
            if (WhiteoutFormat.isOpaque(dir, name)) return new Resolution(type, up, false, null, List.of(), null, origin);
            String redirect = WhiteoutFormat.redirect(dir, name);
            Function<Layer, String> where = redirect == null ? byName : redirected(redirect, parentLowers);
            List<LowerRef> lowers = new ArrayList<>();
            Stat top = collectDirs(where, 0, null, lowers);
            return new Resolution(type, up, false, null, lowers, top, origin);
        }
        if (type == FileType.REGULAR && WhiteoutFormat.isMetacopyAt(dir, name)) {
            String redirect = WhiteoutFormat.redirect(dir, name);
            Function<Layer, String> where = redirect == null ? byName : redirected(redirect, parentLowers);
            Resolution data = resolveLower(where);
            if (data != null && data.type() == FileType.REGULAR) {
                return new Resolution(type, up, true, data.lower(), List.of(), data.lowerStat(), origin);
            }
            // Data lost below (a broken stack): show the upper file as it is.
        }
        return new Resolution(type, up, false, null, List.of(), null, origin);
    }

    /** The topmost lower answer for paths given per layer, or null. */
    private Resolution resolveLower(Function<Layer, String> where) {
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            String path = where.apply(layer);
            if (path == null) continue;
            LowerEntry p = layer.source().probe(path);
            if (p == null) continue;
            if (p.whiteout()) return null;
            if (!p.stat().isDir()) {
                return new Resolution(FileType.ofMode(p.stat().mode()), null, false, new LowerRef(layer, path),
                        List.of(), p.stat(), 0);
            }
            List<LowerRef> lowers = new ArrayList<>();
            Stat top = collectDirs(where, i, p, lowers);
            return new Resolution(FileType.DIRECTORY, null, false, null, lowers, top, 0);
        }
        return null;
    }

    /**
     * Collects the merged lower directories along {@code where}, from layer index {@code from} down
     * ({@code first}: that layer's entry when already probed, else null); returns the topmost one's stat.
     */
    private Stat collectDirs(Function<Layer, String> where, int from, LowerEntry first, List<LowerRef> out) {
        Stat top = null;
        for (int i = from; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            String path = where.apply(layer);
            if (path == null) continue;
            LowerEntry p = i == from && first != null ? first : layer.source().probe(path);
            if (p == null) continue;
            if (p.whiteout() || !p.stat().isDir()) break;
            out.add(new LowerRef(layer, path));
            if (top == null) top = p.stat();
            if (p.opaque()) break;
            if (p.redirect() != null) {
                String target = WhiteoutFormat.resolveRedirect(p.redirect(), RelPath.parent(path));
                int below = layer.depth();
                Function<Layer, String> prev = where;
                where = l -> l.depth() > below ? target : prev.apply(l);
            }
        }
        return top;
    }

    private static Function<Layer, String> inParent(List<LowerRef> parentLowers, String name) {
        if (parentLowers.isEmpty()) return l -> null;
        return l -> {
            for (LowerRef r : parentLowers) {
                if (r.layer() == l) return RelPath.join(r.path(), name);
            }
            return null;
        };
    }

    /** Layer paths for an upper entry carrying a redirect. */
    private Function<Layer, String> redirected(String redirect, List<LowerRef> parentLowers) {
        if (redirect.startsWith("/")) {
            String target = WhiteoutFormat.resolveRedirect(redirect, "");
            return l -> target;
        }
        return inParent(parentLowers, redirect);
    }
}
