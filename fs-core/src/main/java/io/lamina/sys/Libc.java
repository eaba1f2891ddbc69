package io.lamina.sys;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The downcall handles, bound once. Every handle that can fail captures errno, so its first
 * parameter is the errno slot ({@link Tmp#errnoState}). C types map as: int, mode_t, uid_t,
 * gid_t, unsigned -> JAVA_INT; long, size_t, ssize_t, off_t, dev_t -> JAVA_LONG; pointers ->
 * ADDRESS. Calls glibc may lack go through the variadic {@code syscall(2)}, scalars passed as
 * long so no upper register bits are left undefined.
 *
 * <p>Binding a handle costs a few milliseconds, so the handles sit in small holder classes the
 * JVM initializes on first use: a short-lived command binds only the calls it makes, while a
 * mounted filesystem still sees constants the JIT can fold.
 */
final class Libc {
    private Libc() {
    }

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");

    static final long ERRNO_OFFSET = Linker.Option.captureStateLayout()
            .byteOffset(MemoryLayout.PathElement.groupElement("errno"));

    // x86_64 syscall numbers
    static final long SYS_GETDENTS64 = 217, SYS_OPENAT2 = 437, SYS_FCHMODAT2 = 452;

    /** Opening, closing and stat: the lookup path. */
    static final class Open {
        private Open() {
        }

        static final MethodHandle OPENAT2 = syscall(FunctionDescriptor.of(JAVA_LONG, JAVA_LONG,
                JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG));
        static final MethodHandle OPENAT = variadic("openat", 3, FunctionDescriptor.of(JAVA_INT,
                JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        static final MethodHandle CLOSE = fn("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        static final MethodHandle DUP = fn("dup", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        static final MethodHandle FSTATAT = fn("fstatat", FunctionDescriptor.of(JAVA_INT, JAVA_INT,
                ADDRESS, ADDRESS, JAVA_INT));
        static final MethodHandle FSTAT = fn("fstat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    }

    /** Creating, linking, renaming and removing names. */
    static final class Names {
        private Names() {
        }

        static final MethodHandle MKDIRAT = fn("mkdirat", FunctionDescriptor.of(JAVA_INT, JAVA_INT,
                ADDRESS, JAVA_INT));
        static final MethodHandle MKNODAT = fn("mknodat", FunctionDescriptor.of(JAVA_INT, JAVA_INT,
                ADDRESS, JAVA_INT, JAVA_LONG));
        static final MethodHandle SYMLINKAT = fn("symlinkat", FunctionDescriptor.of(JAVA_INT, ADDRESS,
                JAVA_INT, ADDRESS));
        static final MethodHandle READLINKAT = fn("readlinkat", FunctionDescriptor.of(JAVA_LONG, JAVA_INT,
                ADDRESS, ADDRESS, JAVA_LONG));
        static final MethodHandle UNLINKAT = fn("unlinkat", FunctionDescriptor.of(JAVA_INT, JAVA_INT,
                ADDRESS, JAVA_INT));
        static final MethodHandle RENAMEAT2 = fn("renameat2", FunctionDescriptor.of(JAVA_INT, JAVA_INT,
                ADDRESS, JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle LINKAT = fn("linkat", FunctionDescriptor.of(JAVA_INT, JAVA_INT,
                ADDRESS, JAVA_INT, ADDRESS, JAVA_INT));
    }

    /** Mode, owner and times. */
    static final class Attrs {
        private Attrs() {
        }

        static final MethodHandle FCHMODAT2 = syscall(FunctionDescriptor.of(JAVA_LONG, JAVA_LONG,
                JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG));
        static final MethodHandle FCHMODAT = fn("fchmodat", FunctionDescriptor.of(JAVA_INT, JAVA_INT,
                ADDRESS, JAVA_INT, JAVA_INT));
        static final MethodHandle FCHOWNAT = fn("fchownat", FunctionDescriptor.of(JAVA_INT, JAVA_INT,
                ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT));
        static final MethodHandle UTIMENSAT = fn("utimensat", FunctionDescriptor.of(JAVA_INT, JAVA_INT,
                ADDRESS, ADDRESS, JAVA_INT));
        static final MethodHandle FCHMOD = fn("fchmod", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
        static final MethodHandle FCHOWN = fn("fchown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT));
        static final MethodHandle FUTIMENS = fn("futimens", FunctionDescriptor.of(JAVA_INT, JAVA_INT,
                ADDRESS));
    }

    /** File contents and devices. */
    static final class Io {
        private Io() {
        }

        static final MethodHandle PREAD = fn("pread", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS,
                JAVA_LONG, JAVA_LONG));
        static final MethodHandle PWRITE = fn("pwrite", FunctionDescriptor.of(JAVA_LONG, JAVA_INT,
                ADDRESS, JAVA_LONG, JAVA_LONG));
        static final MethodHandle READ = fn("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS,
                JAVA_LONG));
        static final MethodHandle WRITE = fn("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS,
                JAVA_LONG));
        static final MethodHandle FTRUNCATE = fn("ftruncate", FunctionDescriptor.of(JAVA_INT, JAVA_INT,
                JAVA_LONG));
        static final MethodHandle FSYNC = fn("fsync", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        static final MethodHandle FDATASYNC = fn("fdatasync", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        static final MethodHandle SYNCFS = fn("syncfs", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        static final MethodHandle FALLOCATE = fn("fallocate", FunctionDescriptor.of(JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_LONG, JAVA_LONG));
        static final MethodHandle LSEEK = fn("lseek", FunctionDescriptor.of(JAVA_LONG, JAVA_INT,
                JAVA_LONG, JAVA_INT));
        static final MethodHandle COPY_FILE_RANGE = fn("copy_file_range", FunctionDescriptor.of(JAVA_LONG,
                JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
        static final MethodHandle IOCTL = variadic("ioctl", 2, FunctionDescriptor.of(JAVA_INT, JAVA_INT,
                JAVA_LONG, ADDRESS));
    }

    /** Extended attributes by fd and by path. */
    static final class Xattr {
        private Xattr() {
        }

        static final MethodHandle FGETXATTR = fn("fgetxattr", FunctionDescriptor.of(JAVA_LONG, JAVA_INT,
                ADDRESS, ADDRESS, JAVA_LONG));
        static final MethodHandle FSETXATTR = fn("fsetxattr", FunctionDescriptor.of(JAVA_INT, JAVA_INT,
                ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT));
        static final MethodHandle FLISTXATTR = fn("flistxattr", FunctionDescriptor.of(JAVA_LONG, JAVA_INT,
                ADDRESS, JAVA_LONG));
        static final MethodHandle FREMOVEXATTR = fn("fremovexattr", FunctionDescriptor.of(JAVA_INT,
                JAVA_INT, ADDRESS));
        static final MethodHandle LGETXATTR = fn("lgetxattr", FunctionDescriptor.of(JAVA_LONG, ADDRESS,
                ADDRESS, ADDRESS, JAVA_LONG));
        static final MethodHandle LSETXATTR = fn("lsetxattr", FunctionDescriptor.of(JAVA_INT, ADDRESS,
                ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT));
        static final MethodHandle LLISTXATTR = fn("llistxattr", FunctionDescriptor.of(JAVA_LONG, ADDRESS,
                ADDRESS, JAVA_LONG));
        static final MethodHandle LREMOVEXATTR = fn("lremovexattr", FunctionDescriptor.of(JAVA_INT,
                ADDRESS, ADDRESS));
    }

    /** Directory listing. */
    static final class Dir {
        private Dir() {
        }

        static final MethodHandle GETDENTS64 = syscall(FunctionDescriptor.of(JAVA_LONG, JAVA_LONG,
                JAVA_LONG, ADDRESS, JAVA_LONG));
    }

    /** Filesystems and mounts. */
    static final class Fs {
        private Fs() {
        }

        static final MethodHandle FSTATFS = fn("fstatfs", FunctionDescriptor.of(JAVA_INT, JAVA_INT,
                ADDRESS));
        static final MethodHandle MOUNT = fn("mount", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS,
                ADDRESS, JAVA_LONG, ADDRESS));
        static final MethodHandle UMOUNT2 = fn("umount2", FunctionDescriptor.of(JAVA_INT, ADDRESS,
                JAVA_INT));
    }

    /** Process credentials (cannot fail, so no errno slot). */
    static final class Ids {
        private Ids() {
        }

        static final MethodHandle GETUID = LINKER.downcallHandle(find("getuid"),
                FunctionDescriptor.of(JAVA_INT));
        static final MethodHandle GETGID = LINKER.downcallHandle(find("getgid"),
                FunctionDescriptor.of(JAVA_INT));
    }

    private static java.lang.foreign.MemorySegment find(String name) {
        return LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc lacks " + name));
    }

    private static MethodHandle fn(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(find(name), fd, ERRNO);
    }

    private static MethodHandle variadic(String name, int firstVariadic, FunctionDescriptor fd) {
        return LINKER.downcallHandle(find(name), fd, ERRNO, Linker.Option.firstVariadicArg(firstVariadic));
    }

    /** {@code long syscall(long nr, ...)} with the given argument layouts after nr. */
    private static MethodHandle syscall(FunctionDescriptor fd) {
        return variadic("syscall", 1, fd);
    }
}
