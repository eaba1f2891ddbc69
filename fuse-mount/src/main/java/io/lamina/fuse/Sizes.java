package io.lamina.fuse;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses sizes as tmpfs(5) writes them: a number of bytes with an optional k, m, g or t suffix (powers of 1024). */
final class Sizes {
    private static final Pattern SIZE = Pattern.compile("(\\d+)([kmgt]?)(i?b)?");

    private Sizes() {
    }

    /** The byte count of {@code text} ("512m", "2g", "1048576"); a usage {@link MountException} if it is not one or is 0. */
    static long parse(String text) {
        Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (m.matches()) {
            int shift = switch (m.group(2)) {
                case "k" -> 10;
                case "m" -> 20;
                case "g" -> 30;
                case "t" -> 40;
                default -> 0;
            };
            try {
                long n = Long.parseLong(m.group(1));
                if (n > 0 && n <= (Long.MAX_VALUE >> shift)) return n << shift;
            } catch (NumberFormatException tooLong) {
                // falls through to the error below
            }
        }
        throw MountException.usage("tmpfs size '" + text + "' is not a size (examples: 512m, 2g, 1048576)");
    }
}
