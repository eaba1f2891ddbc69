package io.lamina.bench;

/** The two JSON literals the harness writes (its JSON lines are flat objects of strings and numbers). */
final class Json {
    private Json() {
    }

    static String str(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }

    static String num(double d) {
        return Double.isFinite(d) ? Double.toString(d) : "null";
    }
}
