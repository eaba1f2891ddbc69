package io.lamina.cli;

import java.math.BigDecimal;
import java.math.MathContext;

/** Sizes as {@code docker ps -s} prints them: three significant digits, decimal units ("7.75MB"). */
final class Sizes {
    private static final String[] UNITS = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};

    private Sizes() {
    }

    static String human(long bytes) {
        double v = bytes;
        int u = 0;
        while (v >= 1000 && u < UNITS.length - 1) {
            v /= 1000;
            u++;
        }
        BigDecimal d = new BigDecimal(v).round(new MathContext(3));
        if (d.compareTo(BigDecimal.valueOf(1000)) >= 0 && u < UNITS.length - 1) {
            d = d.divide(BigDecimal.valueOf(1000)).round(new MathContext(3));
            u++;
        }
        return d.stripTrailingZeros().toPlainString() + UNITS[u];
    }
}
