package io.lamina.fs.contract;

import io.lamina.fs.FsException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * faccessat(2), which {@link io.lamina.sys.Posix} does not offer: the contract's access operation
 * on a mounted directory. Test-only.
 */
final class Faccessat {
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final StructLayout STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO_VALUE =
            STATE.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle FACCESSAT = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("faccessat").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), ERRNO);

    private Faccessat() {
    }

    static final int AT_SYMLINK_NOFOLLOW = 0x100;

    /** faccessat(dirfd, path, mask, flags) (glibc uses faccessat2); throws FsException with the errno on failure. */
    static void check(int dirfd, String path, int mask, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(STATE);
            MemorySegment cpath = arena.allocateFrom(path, java.nio.charset.StandardCharsets.UTF_8);
            int rc = (int) FACCESSAT.invokeExact(state, dirfd, cpath, mask, flags);
            if (rc != 0) throw FsException.ofRaw((int) ERRNO_VALUE.get(state, 0L), "faccessat " + path);
        } catch (FsException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
