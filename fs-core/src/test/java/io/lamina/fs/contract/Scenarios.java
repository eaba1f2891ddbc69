package io.lamina.fs.contract;

import io.lamina.fs.FileType;
import io.lamina.sys.Posix;
import io.lamina.sys.Stat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static io.lamina.fs.contract.EntryKind.Category.ABSENT;
import static io.lamina.fs.contract.EntryKind.Category.DIRECTORY;
import static io.lamina.fs.contract.EntryKind.Category.REGULAR;
import static io.lamina.fs.contract.EntryKind.Category.SPECIAL;
import static io.lamina.fs.contract.EntryKind.Category.SYMLINK;

/**
 * The scenario matrix: every {@link Op} on every {@link EntryKind} it applies to, at depths 1, 2
 * and 5, in overlay form; marker kinds (whiteouts, opaque, redirect) in OCI form too. An op that
 * cannot succeed on a kind (unlink of a directory, chmod of a symlink...) still runs where the
 * failure itself is part of the contract.
 */
public final class Scenarios {
    public static final int[] DEPTHS = {1, 2, 5};

    private Scenarios() {
    }

    /** One operation, applicable to some kinds, written as a script on the kind's path. */
    public record Op(String name, Predicate<EntryKind> appliesTo, OpScript script) {
    }

    @FunctionalInterface
    public interface OpScript {
        void run(UserFs fs, EntryKind kind, String path, Scenario.Log log);
    }

    private static Predicate<EntryKind> any(EntryKind.Category... cs) {
        return k -> {
            for (EntryKind.Category c : cs) if (k.is(c)) return true;
            return false;
        };
    }

    private static final Predicate<EntryKind> ALL = k -> true;
    private static final Predicate<EntryKind> PRESENT = k -> !k.is(ABSENT);

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A sibling of the target to collide with that is not the target itself. */
    private static String victim(EntryKind k, FileType type) {
        if (type == FileType.DIRECTORY) return k.path.equals(LayerFixtures.EMPTY_DIR) ? LayerFixtures.DIR2 : LayerFixtures.EMPTY_DIR;
        return k.path.equals(LayerFixtures.XATTR_FILE) ? LayerFixtures.FILE : LayerFixtures.XATTR_FILE;
    }

    public static List<Op> ops() {
        List<Op> ops = new ArrayList<>();
        // metadata: copy-up of metadata only (metacopy) where data is untouched
        ops.add(new Op("chmod-0700", ALL, (fs, k, p, log) -> log.add("chmod", fs.chmod(p, 0700))));
        ops.add(new Op("chown", ALL, (fs, k, p, log) -> log.add("chown", fs.chown(p, 4321, 8765))));
        ops.add(new Op("chgrp-only", any(REGULAR, DIRECTORY), (fs, k, p, log) -> log.add("chown", fs.chown(p, -1, 99))));
        ops.add(new Op("utimes", ALL, (fs, k, p, log) -> log.add("utimes",
                fs.utimes(p, new UserFs.Time(1_500_000_000L, 500_000_000L), new UserFs.Time(1_600_000_000L, 250L)))));
        ops.add(new Op("utimes-now-omit", ALL, (fs, k, p, log) -> log.add("utimes",
                fs.utimes(p, UserFs.Time.NOW, UserFs.Time.OMIT))));
        ops.add(new Op("utimes-omit-now", any(REGULAR, DIRECTORY), (fs, k, p, log) -> log.add("utimes",
                fs.utimes(p, UserFs.Time.OMIT, UserFs.Time.NOW))));
        // data
        ops.add(new Op("read", any(REGULAR), (fs, k, p, log) -> log.add("pread", fs.pread(p, 0, 32))));
        ops.add(new Op("write", any(REGULAR, DIRECTORY, SYMLINK, ABSENT), (fs, k, p, log) ->
                log.add("pwrite", fs.pwrite(p, 2, bytes("XY")))));
        ops.add(new Op("truncate-3", any(REGULAR, DIRECTORY, SYMLINK, ABSENT), (fs, k, p, log) ->
                log.add("truncate", fs.truncate(p, 3))));
        ops.add(new Op("truncate-grow", any(REGULAR), (fs, k, p, log) -> log.add("truncate", fs.truncate(p, 100_000))));
        ops.add(new Op("open-unlink-write-read", any(REGULAR), (fs, k, p, log) -> {
            Outcome<UserFs.OpenFile> h = log.add("open", fs.open(p, Posix.O_RDWR));
            if (!h.isOk()) return;
            UserFs.OpenFile f = h.value();
            log.add("unlink", fs.unlink(p));
            log.add("pwrite", f.pwrite(0, bytes("ZZ")));
            log.add("pread", f.pread(0, 16));
            Outcome<UserStat> st = f.fstat();
            log.add("fstat nlink,size", st.isOk() ? Outcome.ok(st.value().nlink() + "," + st.value().size()) : Outcome.<String>failed(st.errno()));
            log.add("close", f.close());
        }));
        ops.add(new Op("read-handle-sees-copy-up", any(REGULAR), (fs, k, p, log) -> {
            // a descriptor opened on the lower file before another writer copies it up must see the new data
            Outcome<UserFs.OpenFile> h = log.add("open O_RDONLY", fs.open(p, Posix.O_RDONLY));
            if (!h.isOk()) return;
            log.add("pread before", h.value().pread(0, 8));
            log.add("pwrite via path", fs.pwrite(p, 0, bytes("NEW")));
            log.add("pread after", h.value().pread(0, 8));
            Outcome<UserStat> st = h.value().fstat();
            log.add("fstat size", st.isOk() ? Outcome.ok(st.value().size()) : Outcome.<Long>failed(st.errno()));
            log.add("close", h.value().close());
        }));
        ops.add(new Op("chmod-then-write", any(REGULAR), (fs, k, p, log) -> {
            log.add("chmod", fs.chmod(p, 0640));
            log.add("pwrite", fs.pwrite(p, 0, bytes("W")));
        }));
        ops.add(new Op("chown-then-read", any(REGULAR), (fs, k, p, log) -> {
            log.add("chown", fs.chown(p, 7, 7));
            log.add("pread", fs.pread(p, 0, 32));
        }));
        ops.add(new Op("write-then-lseek", any(REGULAR), (fs, k, p, log) -> {
            log.add("pwrite", fs.pwrite(p, 0, bytes("copy-up")));
            log.add("SEEK_HOLE 0", fs.lseek(p, 0, Posix.SEEK_HOLE));
            log.add("SEEK_DATA 1M", fs.lseek(p, 1 << 20, Posix.SEEK_DATA));
        }));
        ops.add(new Op("open-trunc", any(REGULAR), (fs, k, p, log) -> {
            Outcome<UserFs.OpenFile> h = log.add("open O_TRUNC", fs.open(p, Posix.O_WRONLY | Posix.O_TRUNC));
            if (h.isOk()) log.add("close", h.value().close());
        }));
        ops.add(new Op("append", any(REGULAR), (fs, k, p, log) -> {
            Outcome<UserFs.OpenFile> h = log.add("open O_APPEND", fs.open(p, Posix.O_WRONLY | Posix.O_APPEND));
            if (!h.isOk()) return;
            log.add("write", h.value().pwrite(0, bytes("APP")));
            log.add("close", h.value().close());
        }));
        ops.add(new Op("utimes-old-then-read", any(REGULAR), (fs, k, p, log) -> {
            log.add("utimes", fs.utimes(p, new UserFs.Time(1_000_000L, 0), UserFs.Time.OMIT));
            log.add("pread", fs.pread(p, 0, 4));
        }));
        ops.add(new Op("fallocate", any(REGULAR), (fs, k, p, log) -> log.add("fallocate", fs.fallocate(p, 0, 0, 8192))));
        ops.add(new Op("fallocate-punch-hole", any(REGULAR), (fs, k, p, log) -> log.add("fallocate",
                fs.fallocate(p, Posix.FALLOC_FL_PUNCH_HOLE | Posix.FALLOC_FL_KEEP_SIZE, 0, 4096))));
        ops.add(new Op("lseek-data-hole", any(REGULAR), (fs, k, p, log) -> {
            log.add("SEEK_DATA 0", fs.lseek(p, 0, Posix.SEEK_DATA));
            log.add("SEEK_HOLE 0", fs.lseek(p, 0, Posix.SEEK_HOLE));
            log.add("SEEK_DATA 1M", fs.lseek(p, 1 << 20, Posix.SEEK_DATA));
            log.add("SEEK_HOLE 1M", fs.lseek(p, 1 << 20, Posix.SEEK_HOLE));
        }));
        // namespace
        ops.add(new Op("create-child", any(DIRECTORY, REGULAR, ABSENT), (fs, k, p, log) -> log.add("create", fs.create(p + "/new", 0640))));
        ops.add(new Op("create-here", ALL, (fs, k, p, log) -> log.add("create", fs.create(p, 0600))));
        ops.add(new Op("mkdir-here", ALL, (fs, k, p, log) -> log.add("mkdir", fs.mkdir(p, 0711))));
        ops.add(new Op("mkdir-child", any(DIRECTORY), (fs, k, p, log) -> {
            log.add("mkdir", fs.mkdir(p + "/newdir", 0755));
            log.add("create inside", fs.create(p + "/newdir/f", 0644));
        }));
        ops.add(new Op("mknod-fifo", any(DIRECTORY, ABSENT), (fs, k, p, log) -> log.add("mknod",
                fs.mknod(k.is(ABSENT) ? p : p + "/fifo", Stat.S_IFIFO | 0644, 0))));
        ops.add(new Op("mknod-char", any(DIRECTORY), (fs, k, p, log) -> log.add("mknod",
                fs.mknod(p + "/chr", Stat.S_IFCHR | 0600, Posix.makedev(1, 3)))));
        ops.add(new Op("mknod-block", any(DIRECTORY), (fs, k, p, log) -> log.add("mknod",
                fs.mknod(p + "/blk", Stat.S_IFBLK | 0600, Posix.makedev(7, 1)))));
        ops.add(new Op("mknod-socket", any(DIRECTORY), (fs, k, p, log) -> log.add("mknod",
                fs.mknod(p + "/sock", Stat.S_IFSOCK | 0755, 0))));
        ops.add(new Op("symlink-here", any(ABSENT, REGULAR), (fs, k, p, log) -> log.add("symlink", fs.symlink("../x", p))));
        ops.add(new Op("symlink-child", any(DIRECTORY), (fs, k, p, log) -> log.add("symlink", fs.symlink("/abs/target", p + "/lnk"))));
        ops.add(new Op("link", ALL, (fs, k, p, log) -> log.add("link", fs.link(p, "linked"))));
        ops.add(new Op("link-into-dir2", any(REGULAR, SYMLINK, SPECIAL), (fs, k, p, log) -> {
            log.add("link", fs.link(p, LayerFixtures.DIR2 + "/linked"));
            log.add("write via link", k.is(REGULAR) ? fs.pwrite(LayerFixtures.DIR2 + "/linked", 0, bytes("L")) : Outcome.ok(null));
        }));
        ops.add(new Op("unlink", ALL, (fs, k, p, log) -> log.add("unlink", fs.unlink(p))));
        ops.add(new Op("unlink-then-recreate", any(REGULAR, SYMLINK, SPECIAL), (fs, k, p, log) -> {
            log.add("unlink", fs.unlink(p));
            log.add("create", fs.create(p, 0644));
        }));
        ops.add(new Op("rmdir", ALL, (fs, k, p, log) -> log.add("rmdir", fs.rmdir(p))));
        ops.add(new Op("empty-then-rmdir", any(DIRECTORY), (fs, k, p, log) -> {
            removeTree(fs, p, log);
            log.add("mkdir again", fs.mkdir(p, 0700));
        }));
        ops.add(new Op("rename", ALL, (fs, k, p, log) -> log.add("rename", fs.rename(p, "moved", 0))));
        ops.add(new Op("rename-into-dir2", ALL, (fs, k, p, log) -> log.add("rename", fs.rename(p, LayerFixtures.DIR2 + "/moved", 0))));
        ops.add(new Op("rename-over-existing", PRESENT, (fs, k, p, log) -> log.add("rename",
                fs.rename(p, victim(k, k.is(DIRECTORY) ? FileType.DIRECTORY : FileType.REGULAR), 0))));
        ops.add(new Op("rename-noreplace", ALL, (fs, k, p, log) -> log.add("rename",
                fs.rename(p, victim(k, FileType.REGULAR), Posix.RENAME_NOREPLACE))));
        ops.add(new Op("rename-exchange", ALL, (fs, k, p, log) -> log.add("rename",
                fs.rename(p, LayerFixtures.DIR2, Posix.RENAME_EXCHANGE))));
        ops.add(new Op("rename-twice", PRESENT, (fs, k, p, log) -> {
            log.add("rename 1", fs.rename(p, "tmp1", 0));
            log.add("rename 2", fs.rename("tmp1", LayerFixtures.DIR2 + "/tmp2", 0));
        }));
        ops.add(new Op("rename-and-back", PRESENT, (fs, k, p, log) -> {
            log.add("rename", fs.rename(p, "away", 0));
            log.add("rename back", fs.rename("away", p, 0));
        }));
        ops.add(new Op("rename-then-create-inside", any(DIRECTORY), (fs, k, p, log) -> {
            log.add("rename", fs.rename(p, "moved", 0));
            log.add("create", fs.create("moved/fresh", 0644));
            log.add("readdir", fs.readdir("moved"));
        }));
        ops.add(new Op("readlink", ALL, (fs, k, p, log) -> log.add("readlink", fs.readlink(p))));
        ops.add(new Op("readdir", any(DIRECTORY, REGULAR, ABSENT), (fs, k, p, log) -> log.add("readdir", fs.readdir(p))));
        // xattrs
        ops.add(new Op("getxattr", ALL, (fs, k, p, log) -> log.add("getxattr", fs.getxattr(p, "user.color"))));
        ops.add(new Op("setxattr-user", ALL, (fs, k, p, log) -> log.add("setxattr", fs.setxattr(p, "user.new", bytes("v"), 0))));
        ops.add(new Op("setxattr-trusted", ALL, (fs, k, p, log) -> log.add("setxattr", fs.setxattr(p, "trusted.new", bytes("t2"), 0))));
        ops.add(new Op("setxattr-create-existing", any(REGULAR), (fs, k, p, log) -> log.add("setxattr",
                fs.setxattr(p, "user.color", bytes("red"), Posix.XATTR_CREATE))));
        ops.add(new Op("setxattr-replace-missing", any(REGULAR, DIRECTORY), (fs, k, p, log) -> log.add("setxattr",
                fs.setxattr(p, "user.nope", bytes("x"), Posix.XATTR_REPLACE))));
        ops.add(new Op("removexattr", ALL, (fs, k, p, log) -> log.add("removexattr", fs.removexattr(p, "user.color"))));
        ops.add(new Op("private-xattrs", any(REGULAR, DIRECTORY), (fs, k, p, log) -> {
            log.add("chmod (copy up)", fs.chmod(p, 0751));
            log.add("get trusted.overlay.redirect", fs.getxattr(p, "trusted.overlay.redirect"));
            log.add("get trusted.overlay.metacopy", fs.getxattr(p, "trusted.overlay.metacopy"));
            log.add("get trusted.lamina.origin", fs.getxattr(p, "trusted.lamina.origin"));
            log.add("set trusted.overlay.opaque", fs.setxattr(p, "trusted.overlay.opaque", bytes("y"), 0));
            log.add("remove trusted.overlay.origin", fs.removexattr(p, "trusted.overlay.origin"));
            log.add("listxattr", fs.listxattr(p));
        }));
        ops.add(new Op("listxattr", PRESENT, (fs, k, p, log) -> log.add("listxattr", fs.listxattr(p))));
        // access
        ops.add(new Op("access-rwx", ALL, (fs, k, p, log) -> {
            log.add("access R_OK|W_OK", fs.access(p, 6));
            log.add("access X_OK", fs.access(p, 1));
        }));
        return ops;
    }

    /** Deletes {@code p} and everything under it, depth first, logging each step. */
    static void removeTree(UserFs fs, String p, Scenario.Log log) {
        Outcome<List<String>> names = fs.readdir(p);
        if (names.isOk()) {
            for (String n : names.value()) {
                String child = p + "/" + n;
                Outcome<UserStat> st = fs.lstat(child);
                if (st.isOk() && st.value().type() == FileType.DIRECTORY) {
                    removeTree(fs, child, log);
                } else {
                    log.add("unlink " + child, fs.unlink(child));
                }
            }
        }
        log.add("rmdir " + p, fs.rmdir(p));
    }

    /** Scenarios that are about the whole stack, not one entry. */
    private static List<Op> stackOps() {
        return List.of(
                new Op("observe", ALL, (fs, k, p, log) -> { }),
                new Op("statfs", ALL, (fs, k, p, log) -> log.add("statfs", fs.statfs())),
                new Op("create-in-root", ALL, (fs, k, p, log) -> {
                    log.add("create", fs.create("brand-new", 0644));
                    log.add("pwrite", fs.pwrite("brand-new", 0, bytes("fresh")));
                    log.add("mkdir", fs.mkdir("brand-new-dir", 0755));
                    log.add("symlink", fs.symlink("brand-new", "brand-new-link"));
                }),
                new Op("hardlink-pair-write-then-unlink", ALL, (fs, k, p, log) -> {
                    log.add("pwrite hl1", fs.pwrite(LayerFixtures.HARDLINK_1, 0, bytes("LINKED")));
                    log.add("pread hl2", fs.pread(LayerFixtures.HARDLINK_2, 0, 16));
                    log.add("unlink hl1", fs.unlink(LayerFixtures.HARDLINK_1));
                    log.add("lstat hl2 nlink", nlink(fs, LayerFixtures.HARDLINK_2));
                }),
                new Op("hardlink-pair-chmod-then-link", ALL, (fs, k, p, log) -> {
                    log.add("chmod hl2", fs.chmod(LayerFixtures.HARDLINK_2, 0644));
                    log.add("link hl1 hl3", fs.link(LayerFixtures.HARDLINK_1, "hl3"));
                    log.add("lstat hl1 nlink", nlink(fs, LayerFixtures.HARDLINK_1));
                }),
                new Op("rename-dir-over-merged-dir", ALL, (fs, k, p, log) -> {
                    log.add("rename", fs.rename(LayerFixtures.EMPTY_DIR, LayerFixtures.OPAQUE, 0));
                    log.add("unlink opq/new1", fs.unlink(LayerFixtures.OPAQUE + "/new1"));
                    log.add("rename again", fs.rename(LayerFixtures.EMPTY_DIR, LayerFixtures.OPAQUE, 0));
                }),
                new Op("exchange-dirs", ALL, (fs, k, p, log) -> {
                    log.add("exchange", fs.rename(LayerFixtures.DIR, LayerFixtures.REDIRECTED, Posix.RENAME_EXCHANGE));
                    log.add("readdir dir", fs.readdir(LayerFixtures.DIR));
                    log.add("readdir renamed", fs.readdir(LayerFixtures.REDIRECTED));
                }));
    }

    private static Outcome<Long> nlink(UserFs fs, String p) {
        Outcome<UserStat> st = fs.lstat(p);
        return st.isOk() ? Outcome.ok(st.value().nlink()) : Outcome.failed(st.errno());
    }

    /** Ops whose effect on the upper is checked again after a remount (at depth 2, to keep the run short). */
    private static final java.util.Set<String> REMOUNT_OPS = java.util.Set.of("chmod-0700", "write", "unlink",
            "rmdir", "mkdir-here", "create-here", "rename", "rename-into-dir2", "rename-twice", "link",
            "empty-then-rmdir", "setxattr-user", "removexattr", "rename-exchange", "symlink-here",
            "mknod-fifo", "rename-over-existing", "truncate-3");

    /** The whole matrix, in a stable order. */
    public static List<Scenario> all() {
        List<Scenario> out = new ArrayList<>();
        List<Op> ops = ops();
        for (int depth : DEPTHS) {
            for (LayerForm form : LayerForm.values()) {
                String stack = "depth" + depth + "-" + form.label();
                for (Op op : stackOps()) {
                    out.add(new Scenario(stack + " stack " + op.name(), depth, form,
                            (fs, log) -> op.script().run(fs, null, "", log)));
                }
                for (EntryKind kind : EntryKind.values()) {
                    if (form == LayerForm.OCI && !kind.marker) continue;
                    for (Op op : ops) {
                        if (!op.appliesTo().test(kind)) continue;
                        Scenario.Script script = (fs, log) -> op.script().run(fs, kind, kind.path, log);
                        out.add(new Scenario(stack + " " + kind.label() + " " + op.name(), depth, form, script));
                        if (depth == 2 && REMOUNT_OPS.contains(op.name())) {
                            out.add(new Scenario(stack + " " + kind.label() + " " + op.name() + "+remount", depth,
                                    form, true, script));
                        }
                    }
                }
            }
        }
        return out;
    }
}
