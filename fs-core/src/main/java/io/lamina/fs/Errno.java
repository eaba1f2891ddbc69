package io.lamina.fs;

/** Linux error numbers the engine reports. The numbers are the x86_64 Linux ABI. */
public enum Errno {
    EPERM(1), ENOENT(2), EIO(5), ENXIO(6), E2BIG(7), EBADF(9), EAGAIN(11), ENOMEM(12), EACCES(13),
    EFAULT(14), EBUSY(16), EEXIST(17), EXDEV(18), ENODEV(19), ENOTDIR(20), EISDIR(21), EINVAL(22),
    ENFILE(23), EMFILE(24), ETXTBSY(26), EFBIG(27), ENOSPC(28), ESPIPE(29), EROFS(30), EMLINK(31),
    ERANGE(34), ENAMETOOLONG(36), ENOSYS(38), ENOTEMPTY(39), ELOOP(40), ENODATA(61), EOVERFLOW(75),
    EOPNOTSUPP(95), EDQUOT(122), ESTALE(116), ENOTCONN(107), EINTR(4), ECHILD(10), ENOTTY(25);

    /** The positive errno value. */
    public final int code;

    Errno(int code) {
        this.code = code;
    }

    private static final Errno[] BY_CODE = new Errno[256];

    static {
        for (Errno e : values()) {
            if (BY_CODE[e.code] == null) BY_CODE[e.code] = e;
        }
    }

    /** The enum constant for a raw errno; {@link #EIO} for numbers the engine does not name. */
    public static Errno of(int code) {
        return code > 0 && code < BY_CODE.length && BY_CODE[code] != null ? BY_CODE[code] : EIO;
    }
}
