package io.lamina.run;

import io.lamina.fs.LowerEntry;
import io.lamina.fs.LowerLayer;
import io.lamina.sys.Posix;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The user a container runs as, resolved as docker does from the image config's {@code User}
 * ({@code name}, {@code uid}, {@code name:group}, {@code uid:gid}; empty means root) through the
 * image's own {@code /etc/passwd} and {@code /etc/group}. Those are read from the image's layers,
 * never through the host's filesystem, and only when they are regular files (a symlink there
 * could point anywhere on the host).
 */
record ImageUser(int uid, int gid, List<Integer> additionalGids, String home) {
    private static final int MAX_FILE = 4 << 20;

    ImageUser {
        additionalGids = List.copyOf(additionalGids);
    }

    /** Resolves {@code user} in {@code image}. @throws RunException naming a user or group the image lacks */
    static ImageUser resolve(String user, LowerLayer image) {
        String u = user == null || user.isEmpty() ? "0" : user;
        String userPart = u, groupPart = null;
        int colon = u.indexOf(':');
        if (colon >= 0) {
            userPart = u.substring(0, colon);
            groupPart = u.substring(colon + 1);
        }
        List<String[]> passwd = table(image, "etc/passwd", 7);
        List<String[]> groups = table(image, "etc/group", 4);
        String[] pw = null;
        Integer uid = number(userPart);
        for (String[] p : passwd) {
            if (uid == null ? p[0].equals(userPart) : uid.equals(number(p[2]))) {
                pw = p;
                break;
            }
        }
        if (uid == null) {
            if (pw == null) throw new RunException("user '" + userPart + "' is not in the image's /etc/passwd");
            uid = number(pw[2]);
            if (uid == null) throw new RunException("user '" + userPart + "' has no numeric uid in the image's /etc/passwd");
        }
        int gid;
        if (groupPart != null && !groupPart.isEmpty()) {
            Integer g = number(groupPart);
            if (g == null) {
                for (String[] gr : groups) {
                    if (gr[0].equals(groupPart)) g = number(gr[2]);
                }
                if (g == null) throw new RunException("group '" + groupPart + "' is not in the image's /etc/group");
            }
            gid = g;
        } else {
            Integer g = pw == null ? null : number(pw[3]);
            gid = g == null ? 0 : g;
        }
        // Supplementary groups: those that list the user as a member (only when no group was forced).
        TreeSet<Integer> extra = new TreeSet<>();
        if (pw != null && groupPart == null) {
            for (String[] gr : groups) {
                Integer g = number(gr[2]);
                if (g == null || g == gid) continue;
                for (String member : gr[3].split(",")) {
                    if (member.strip().equals(pw[0])) extra.add(g);
                }
            }
        }
        String home = pw != null && !pw[5].isEmpty() ? pw[5] : "/";
        return new ImageUser(uid, gid, new ArrayList<>(extra), home);
    }

    /** The lines of a colon-separated file of the image, each padded to {@code fields} fields; empty when absent. */
    private static List<String[]> table(LowerLayer image, String path, int fields) {
        LowerEntry e = image.probe(path);
        List<String[]> rows = new ArrayList<>();
        if (e == null || e.whiteout() || !e.stat().isRegular() || e.stat().size() > MAX_FILE) return rows;
        String text;
        int fd = image.openData(path);
        try {
            text = new String(Files.readAllBytes(Path.of("/proc/self/fd/" + fd)), StandardCharsets.UTF_8);
        } catch (IOException ex) {
            throw new RunException("cannot read the image's /" + path + ": " + ex.getMessage(), ex);
        } finally {
            Posix.closeQuietly(fd);
        }
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) continue;
            String[] f = line.split(":", -1);
            String[] row = new String[fields];
            for (int i = 0; i < fields; i++) row[i] = i < f.length ? f[i] : "";
            rows.add(row);
        }
        return rows;
    }

    private static Integer number(String s) {
        if (s == null || s.isEmpty() || s.length() > 10) return null;
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) return null;
        }
        long v = Long.parseLong(s);
        return v > Integer.MAX_VALUE ? null : (int) v;
    }
}
