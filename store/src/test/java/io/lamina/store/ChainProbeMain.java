package io.lamina.store;

import io.lamina.fs.LowerLayer;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** For the cross-process test: opens a chain in its own JVM and prints "ino=N dev=N" for one path. */
final class ChainProbeMain {

    private ChainProbeMain() {
    }

    /** args: store root, path, diff-ids bottom first. */
    public static void main(String[] args) {
        List<String> ids = Arrays.asList(args).subList(2, args.length);
        try (Store store = Store.open(Path.of(args[0])); LowerLayer chain = store.openChain(ids)) {
            var st = chain.probe(args[1]).stat();
            System.out.println("ino=" + st.ino() + " dev=" + st.dev() + " names=" + chain.list("").size());
        }
    }
}
