package io.lamina.fs;

import io.lamina.sys.Stat;

import java.util.List;

/**
 * An entry of a lower layer: the layer and the entry's path relative to the layer root ("" for the
 * root). Its methods are the engine's only way to read the entry.
 */
record LowerRef(Layer layer, String path) {

    /** The entry's stat, or null when the layer no longer shows it. */
    Stat stat() {
        return layer.source().stat(path);
    }

    /** The entry's stat; ESTALE when the layer no longer shows it. */
    Stat requireStat() {
        Stat st = stat();
        if (st == null) throw new FsException(Errno.ESTALE, "/" + path + " vanished from its layer");
        return st;
    }

    String readlink() {
        return layer.source().readlink(path);
    }

    List<String> xattrNames() {
        return layer.source().xattrNames(path);
    }

    byte[] xattr(String name) {
        return layer.source().xattr(path, name);
    }

    /** A read-only descriptor on the file's data; the caller closes it. */
    int openData() {
        return layer.source().openData(path);
    }
}
