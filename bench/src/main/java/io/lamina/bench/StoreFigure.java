package io.lamina.bench;

import java.util.Map;

/**
 * One measured figure of the store or snapshotter part against its target: {@code value} in
 * {@code unit} must be at least ({@code atLeast}) or at most {@code limit}. {@code skipped} says
 * why it was not measured (then value is NaN); {@code figures} are the raw numbers behind it.
 */
record StoreFigure(String key, String goal, String scale, double value, String unit, double limit, boolean atLeast,
                   String detail, Map<String, Double> figures, String skipped) {

    /** A target this run did not measure, and why. */
    static StoreFigure skipped(String key, String goal, String why) {
        return new StoreFigure(key, goal, "", Double.NaN, "", 0, false, "", Map.of(), why);
    }

    /** Whether the target is met; null when it was not measured. */
    Boolean met() {
        if (skipped != null || Double.isNaN(value)) return null;
        return atLeast ? value >= limit : value <= limit;
    }

    String json() {
        StringBuilder b = new StringBuilder("{\"kind\":\"store\",\"key\":").append(Json.str(key)).append(",\"goal\":").append(Json.str(goal))
                .append(",\"scale\":").append(Json.str(scale)).append(",\"value\":").append(Json.num(value))
                .append(",\"unit\":").append(Json.str(unit)).append(",\"limit\":").append(Json.num(limit))
                .append(",\"met\":").append(met() == null ? "null" : met().toString());
        figures.forEach((k, v) -> b.append(',').append(Json.str(k)).append(':').append(Json.num(v)));
        if (skipped != null) b.append(",\"skipped\":").append(Json.str(skipped));
        return b.append('}').toString();
    }
}
