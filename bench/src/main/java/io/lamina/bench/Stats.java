package io.lamina.bench;

import java.util.List;

/** Median and spread of one workload on one target over the rounds (failed runs left out). */
record Stats(double median, double min, double max, int n) {

    static Stats of(List<Double> values) {
        if (values.isEmpty()) return new Stats(Double.NaN, Double.NaN, Double.NaN, 0);
        List<Double> v = values.stream().sorted().toList();
        int k = v.size();
        double med = k % 2 == 1 ? v.get(k / 2) : (v.get(k / 2 - 1) + v.get(k / 2)) / 2;
        return new Stats(med, v.getFirst(), v.getLast(), k);
    }

    /** Throughputs of {@code workload} on {@code target}. */
    static Stats throughput(List<Sample> samples, String target, String workload) {
        return of(samples.stream().filter(s -> s.ok() && s.target().equals(target) && s.workload().equals(workload))
                .map(Sample::throughput).toList());
    }

    /** Seconds of {@code workload} on {@code target}. */
    static Stats seconds(List<Sample> samples, String target, String workload) {
        return of(samples.stream().filter(s -> s.ok() && s.target().equals(target) && s.workload().equals(workload))
                .map(Sample::seconds).toList());
    }

    boolean present() {
        return n > 0;
    }
}
