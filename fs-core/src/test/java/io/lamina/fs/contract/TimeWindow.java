package io.lamina.fs.contract;

/**
 * Renders timestamps so that two runs of one scenario compare equal: a time inside the window
 * (from just before the mount to just after the observation) is "now", any other is shown exactly.
 * Fixture times lie far outside any window, so a preserved time shows as its value.
 */
public record TimeWindow(long fromSec, long toSec) {

    /** A window opening now (one second of slack for coarse clocks). */
    public static TimeWindow openNow() {
        return new TimeWindow(nowSec() - 1, Long.MAX_VALUE);
    }

    /** This window, closed now (one second of slack). */
    public TimeWindow closeNow() {
        return new TimeWindow(fromSec, nowSec() + 1);
    }

    private static long nowSec() {
        return System.currentTimeMillis() / 1000;
    }

    public String render(long sec, long nsec) {
        if (sec >= fromSec && sec <= toSec) return "now";
        return sec + "." + String.format("%09d", nsec);
    }
}
