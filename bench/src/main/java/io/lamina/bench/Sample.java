package io.lamina.bench;

/**
 * One measurement: {@code units} of {@code unit} done in {@code seconds} by {@code workload} on
 * {@code target} in {@code round}; {@code error} is non-null when the run failed.
 */
record Sample(int round, String target, String workload, String unit, double seconds, double units, String error) {

    /** Units per second: larger is better for every workload. */
    double throughput() {
        return units / seconds;
    }

    boolean ok() {
        return error == null;
    }

    String json() {
        return "{\"kind\":\"workload\",\"round\":" + round + ",\"target\":" + Json.str(target) + ",\"workload\":" + Json.str(workload)
                + ",\"unit\":" + Json.str(unit) + ",\"seconds\":" + Json.num(seconds) + ",\"units\":" + Json.num(units)
                + ",\"throughput\":" + (ok() ? Json.num(throughput()) : "null")
                + (error == null ? "" : ",\"error\":" + Json.str(error)) + "}";
    }
}
