package io.lamina.fuse;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/** The FUSE transports by the names {@code --transport} takes. */
public final class Transports {
    private static final Map<String, Supplier<FuseTransport>> BY_NAME = new TreeMap<>(Map.of(
            "native", NativeFuseTransport::new,
            "jnr", JnrFuseTransport::new));

    private Transports() {
    }

    /** The transport called {@code name}; a usage {@link MountException} naming the choices otherwise. */
    public static FuseTransport byName(String name) {
        Supplier<FuseTransport> s = BY_NAME.get(name);
        if (s == null) {
            throw MountException.usage("unknown transport '" + name + "' (choose from: " + String.join(", ", BY_NAME.keySet()) + ")");
        }
        return s.get();
    }

    /** "native" when this build has it, else "jnr". */
    public static String defaultName() {
        return BY_NAME.containsKey("native") ? "native" : "jnr";
    }
}
