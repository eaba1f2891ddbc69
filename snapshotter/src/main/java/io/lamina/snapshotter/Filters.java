package io.lamina.snapshotter;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * containerd's filter language, as List sends it. A request carries several filters; a snapshot is
 * listed when it matches any of them (none: all match). One filter is selectors joined by commas,
 * all of which must match:
 * <pre>
 *   filter    := selector ("," selector)*
 *   selector  := fieldpath [operator value]      (no operator: the field is present)
 *   fieldpath := field ("." field)*
 *   field     := quoted | [A-Za-z_][A-Za-z0-9_]*
 *   operator  := "==" | "!=" | "~="              (~= is a regular expression found in the value)
 *   value     := quoted | [^\s,]+
 *   quoted    := "..." or '...' with backslash escapes, or `...` raw
 * </pre>
 * Fields of a snapshot: {@code name}, {@code parent}, {@code kind} ({@code view}, {@code active},
 * {@code committed}) and {@code labels.KEY} (a KEY with dots or slashes is quoted:
 * {@code labels."containerd.io/gc.root"}). name and parent are present when not empty, a label
 * when set. A filter that does not parse is an InvalidArgument {@link SnapshotException}.
 */
final class Filters {
    private Filters() {
    }

    static Predicate<SnapshotRecord> parseAny(List<String> filters) {
        List<Predicate<SnapshotRecord>> any = new ArrayList<>();
        for (String f : filters) {
            if (f.isBlank()) return r -> true; // containerd: an empty filter matches everything
            any.add(new Parser(f).filter());
        }
        if (any.isEmpty()) return r -> true;
        return r -> any.stream().anyMatch(p -> p.test(r));
    }

    /** The value of {@code path} on {@code r}, empty when the field is absent. */
    static Optional<String> valueOf(SnapshotRecord r, List<String> path) {
        String head = path.get(0);
        if (path.size() == 1) {
            return switch (head) {
                case "name" -> present(r.key());
                case "parent" -> present(r.parent());
                case "kind" -> Optional.of(r.kind().filterName());
                default -> Optional.empty();
            };
        }
        if (head.equals("labels")) return Optional.ofNullable(r.labels().get(String.join(".", path.subList(1, path.size()))));
        return Optional.empty();
    }

    private static Optional<String> present(String s) {
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    /** A recursive-descent parser over one filter string. */
    private static final class Parser {
        private final String in;
        private int pos;

        Parser(String in) {
            this.in = in;
        }

        Predicate<SnapshotRecord> filter() {
            List<Predicate<SnapshotRecord>> all = new ArrayList<>();
            all.add(selector());
            skipSpace();
            while (pos < in.length()) {
                expect(',');
                all.add(selector());
                skipSpace();
            }
            return r -> all.stream().allMatch(p -> p.test(r));
        }

        private Predicate<SnapshotRecord> selector() {
            List<String> path = new ArrayList<>();
            path.add(field());
            skipSpace();
            while (peek() == '.') {
                pos++;
                path.add(field());
                skipSpace();
            }
            if (pos >= in.length() || peek() == ',') return r -> valueOf(r, path).isPresent();
            String op = operator();
            String value = value();
            return switch (op) {
                case "==" -> r -> valueOf(r, path).map(value::equals).orElse(false);
                case "!=" -> r -> !valueOf(r, path).orElse("").equals(value);
                default -> {
                    Pattern p;
                    try {
                        p = Pattern.compile(value);
                    } catch (PatternSyntaxException e) {
                        throw error("bad regular expression " + value);
                    }
                    yield r -> p.matcher(valueOf(r, path).orElse("")).find();
                }
            };
        }

        private String field() {
            skipSpace();
            char c = peek();
            if (c == '"' || c == '\'' || c == '`') return quoted();
            int start = pos;
            if (!(Character.isLetter(c) || c == '_')) throw error("expected a field name");
            while (pos < in.length() && (Character.isLetterOrDigit(in.charAt(pos)) || in.charAt(pos) == '_')) pos++;
            return in.substring(start, pos);
        }

        private String operator() {
            skipSpace();
            if (pos + 2 <= in.length()) {
                String op = in.substring(pos, pos + 2);
                if (op.equals("==") || op.equals("!=") || op.equals("~=")) {
                    pos += 2;
                    return op;
                }
            }
            throw error("expected an operator (==, != or ~=)");
        }

        private String value() {
            skipSpace();
            if (pos >= in.length()) throw error("expected a value");
            char c = peek();
            if (c == '"' || c == '\'' || c == '`') return quoted();
            int start = pos;
            while (pos < in.length() && in.charAt(pos) != ',' && !Character.isWhitespace(in.charAt(pos))) pos++;
            return in.substring(start, pos);
        }

        private String quoted() {
            char q = in.charAt(pos++);
            StringBuilder sb = new StringBuilder();
            while (pos < in.length()) {
                char c = in.charAt(pos++);
                if (c == q) return sb.toString();
                if (c == '\\' && q != '`' && pos < in.length()) {
                    char e = in.charAt(pos++);
                    sb.append(switch (e) {
                        case 'n' -> '\n';
                        case 't' -> '\t';
                        case 'r' -> '\r';
                        default -> e;
                    });
                } else {
                    sb.append(c);
                }
            }
            throw error("unterminated quoted string");
        }

        private void expect(char c) {
            if (peek() != c) throw error("expected '" + c + "'");
            pos++;
        }

        private char peek() {
            return pos < in.length() ? in.charAt(pos) : '\0';
        }

        private void skipSpace() {
            while (pos < in.length() && Character.isWhitespace(in.charAt(pos))) pos++;
        }

        private SnapshotException error(String what) {
            return SnapshotException.invalidArgument("filter " + in + ": " + what + " at offset " + pos);
        }
    }
}
