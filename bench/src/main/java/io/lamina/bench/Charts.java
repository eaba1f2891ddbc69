package io.lamina.bench;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The PNG charts, drawn headless with Java2D: {@code ratios.png} (every workload, each target's
 * throughput relative to kernel overlayfs on a log scale, bars to the right of 1× are faster) and
 * {@code memory.png} (page cache and RSS growth per number of mounts).
 */
final class Charts {
    static final String RATIOS = "ratios.png";
    static final String MEMORY = "memory.png";

    private static final Map<String, Color> COLORS = Map.of(
            Targets.PLAIN, new Color(0x9e9e9e), Targets.OVERLAYFS, new Color(0x4a6fa5), Targets.FUSE_OVERLAYFS, new Color(0xd9822b),
            Targets.LAMINA_NATIVE, new Color(0x2e9e5b), Targets.LAMINA_JNR, new Color(0x8fd19e));
    private static final int LEFT = 230;
    private static final int RIGHT = 90;
    private static final int BAR = 13;
    private static final int WIDTH = 1200;

    private Charts() {
    }

    /** One bar: its series (target), value and label at its end. */
    private record Bar(String series, double value, String label) {
    }

    /** A labelled group of bars. */
    private record Group(String label, List<Bar> bars) {
    }

    static List<String> write(Harness.Results r, Path out) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<String> written = new ArrayList<>();
        List<String> series = r.targets().stream().filter(t -> !t.equals(Targets.OVERLAYFS)).toList();
        if (r.targets().contains(Targets.OVERLAYFS) && !series.isEmpty()) {
            List<Group> groups = new ArrayList<>();
            for (String w : Workloads.names()) {
                List<Bar> bars = new ArrayList<>();
                for (String t : series) {
                    double ratio = Report.ratio(r.samples(), t, Targets.OVERLAYFS, w);
                    if (!Double.isNaN(ratio)) bars.add(new Bar(t, ratio, Report.ratioText(ratio)));
                }
                groups.add(new Group(w, bars));
            }
            ImageIO.write(draw("Throughput relative to kernel overlayfs (log scale) — right of 1× is faster", series, groups, true),
                    "png", out.resolve(RATIOS).toFile());
            written.add(RATIOS);
        }
        if (!r.memory().isEmpty()) {
            List<String> memSeries = r.memory().stream().map(MemoryBench.MemSample::target).distinct().toList();
            List<Group> groups = new ArrayList<>();
            for (int n : r.profile().memoryMounts()) {
                List<Bar> cache = new ArrayList<>();
                List<Bar> rss = new ArrayList<>();
                for (MemoryBench.MemSample m : r.memory()) {
                    if (m.mounts() != n || m.error() != null) continue;
                    double c = m.cachedGrowth() / 1048576.0;
                    double s = m.rssGrowth() / 1048576.0;
                    cache.add(new Bar(m.target(), Math.max(0, c), Report.fmt(c) + " MiB"));
                    rss.add(new Bar(m.target(), Math.max(0, s), Report.fmt(s) + " MiB"));
                }
                groups.add(new Group(n + " mount(s): page cache", cache));
                groups.add(new Group(n + " mount(s): RSS", rss));
            }
            ImageIO.write(draw("Memory growth with N mounts reading the same file (MiB, less is better)", memSeries, groups, false),
                    "png", out.resolve(MEMORY).toFile());
            written.add(MEMORY);
        }
        return written;
    }

    private static BufferedImage draw(String title, List<String> series, List<Group> groups, boolean log) {
        int top = 80;
        int groupHeight = groups.stream().mapToInt(g -> Math.max(1, g.bars().size()) * (BAR + 3) + 14).sum();
        int height = top + groupHeight + 50;
        BufferedImage img = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 17));
        g.drawString(title, 20, 28);
        // legend
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        int lx = 20;
        for (String s : series) {
            g.setColor(COLORS.getOrDefault(s, Color.DARK_GRAY));
            g.fillRect(lx, 44, 14, 14);
            g.setColor(Color.BLACK);
            g.drawString(s, lx + 20, 56);
            lx += 40 + g.getFontMetrics().stringWidth(s);
        }
        int plotW = WIDTH - LEFT - RIGHT;
        double max = groups.stream().flatMap(x -> x.bars().stream()).mapToDouble(Bar::value).max().orElse(1);
        Scale scale = log ? new LogScale(plotW) : new LinearScale(plotW, max <= 0 ? 1 : max * 1.05);
        // grid
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (double tick : scale.ticks()) {
            int x = LEFT + scale.x(tick);
            g.setColor(log && tick == 1 ? Color.BLACK : new Color(0xe0e0e0));
            g.setStroke(new BasicStroke(log && tick == 1 ? 2f : 1f));
            g.drawLine(x, top - 6, x, top + groupHeight);
            g.setColor(Color.DARK_GRAY);
            String t = scale.label(tick);
            g.drawString(t, x - g.getFontMetrics().stringWidth(t) / 2, top + groupHeight + 16);
        }
        g.setStroke(new BasicStroke(1f));
        int y = top;
        for (Group grp : groups) {
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
            int gh = Math.max(1, grp.bars().size()) * (BAR + 3);
            g.drawString(grp.label(), LEFT - 10 - g.getFontMetrics().stringWidth(grp.label()), y + gh / 2 + 5);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            int by = y;
            for (Bar b : grp.bars()) {
                int x0 = LEFT + scale.x(scale.origin());
                int x1 = LEFT + scale.x(b.value());
                g.setColor(COLORS.getOrDefault(b.series(), Color.DARK_GRAY));
                g.fillRect(Math.min(x0, x1), by, Math.max(1, Math.abs(x1 - x0)), BAR);
                g.setColor(Color.BLACK);
                g.drawString(b.label(), Math.max(x0, x1) + 4, by + BAR - 2);
                by += BAR + 3;
            }
            y += gh + 14;
            g.setColor(new Color(0xf0f0f0));
            g.drawLine(20, y - 7, WIDTH - 20, y - 7);
        }
        g.dispose();
        return img;
    }

    /** Maps a value to a pixel offset in the plot. */
    private interface Scale {
        int x(double v);

        double origin();

        List<Double> ticks();

        String label(double tick);
    }

    /** log2 from 1/64× to 64×, bars start at 1×; values outside are clamped to the edges. */
    private record LogScale(int width) implements Scale {
        public int x(double v) {
            double l = Math.log(Math.max(1 / 64.0, Math.min(64, v))) / Math.log(2);
            return (int) Math.round((l + 6) / 12 * width);
        }

        public double origin() {
            return 1;
        }

        public List<Double> ticks() {
            List<Double> t = new ArrayList<>();
            for (int e = -6; e <= 6; e++) t.add(Math.pow(2, e));
            return t;
        }

        public String label(double tick) {
            return tick >= 1 ? (int) Math.round(tick) + "×" : "1/" + (int) Math.round(1 / tick) + "×";
        }
    }

    /** 0 .. max, ticks at a round step (1, 2 or 5 × 10^k) so their labels read easily. */
    private record LinearScale(int width, double max) implements Scale {
        LinearScale {
            double step = step(max);
            max = Math.ceil(max / step) * step;
        }

        private static double step(double max) {
            double raw = max / 5;
            double p = Math.pow(10, Math.floor(Math.log10(raw)));
            return raw <= p ? p : raw <= 2 * p ? 2 * p : raw <= 5 * p ? 5 * p : 10 * p;
        }

        public int x(double v) {
            return (int) Math.round(Math.max(0, Math.min(max, v)) / max * width);
        }

        public double origin() {
            return 0;
        }

        public List<Double> ticks() {
            List<Double> t = new ArrayList<>();
            double step = step(max);
            for (double v = 0; v <= max * 1.0001; v += step) t.add(v);
            return t;
        }

        public String label(double tick) {
            return Report.fmt(tick);
        }
    }
}
