package dev.ferry.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * The chart of the report: one panel per scenario, a bar per tool at its median with a line from
 * its min to its max. Drawn with the JDK's own Graphics2D, so the benchmark needs nothing beyond
 * Java (and a font, which every JDK install brings along with fontconfig).
 */
final class Chart {

    private static final int COLUMNS = 3;
    private static final int PANEL_WIDTH = 440;
    private static final int PANEL_HEIGHT = 320;
    private static final Color FERRY = new Color(0x1f77b4);
    private static final Color BASELINE = new Color(0x9a9a9a);
    private static final Color REFERENCE = new Color(0xd9d9d9);
    private static final Color INK = new Color(0x222222);
    private static final Color GRID = new Color(0xe6e6e6);

    /** One bar: a median with its spread, or a reference value without one. */
    private record Bar(String label, double value, double min, double max, Color color) {
    }

    private Chart() {
    }

    static void write(List<ScenarioResult> results, String title, Path png) throws IOException {
        List<ScenarioResult> drawn = results.stream().filter(result -> !result.main.isEmpty()).toList();
        int rows = Math.max(1, (drawn.size() + COLUMNS - 1) / COLUMNS);
        int width = COLUMNS * PANEL_WIDTH;
        int height = 50 + rows * PANEL_HEIGHT;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(INK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
            g.drawString(title, 16, 32);
            for (int i = 0; i < drawn.size(); i++) {
                int x = (i % COLUMNS) * PANEL_WIDTH;
                int y = 50 + (i / COLUMNS) * PANEL_HEIGHT;
                panel(g, drawn.get(i), x, y);
            }
        } finally {
            g.dispose();
        }
        ImageIO.write(image, "png", png.toFile());
    }

    private static void panel(Graphics2D g, ScenarioResult result, int left, int top) {
        List<Bar> bars = bars(result);
        Unit unit = result.main.get(0).unit();
        g.setColor(INK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.drawString(result.id + ". " + result.title + " (" + unit.symbol() + ")", left + 16, top + 18);

        int plotLeft = left + 56;
        int plotRight = left + PANEL_WIDTH - 16;
        int plotTop = top + 40;
        int plotBottom = top + PANEL_HEIGHT - 70;
        double scale = niceCeiling(bars.stream()
                .mapToDouble(bar -> Double.isNaN(bar.max()) ? bar.value() : Math.max(bar.value(), bar.max()))
                .max().orElse(1));
        axis(g, plotLeft, plotRight, plotTop, plotBottom, scale);

        int slot = (plotRight - plotLeft) / Math.max(1, bars.size());
        int barWidth = Math.min(60, slot * 2 / 3);
        for (int i = 0; i < bars.size(); i++) {
            Bar bar = bars.get(i);
            int centre = plotLeft + slot * i + slot / 2;
            int barTop = yOf(bar.value(), scale, plotTop, plotBottom);
            g.setColor(bar.color());
            g.fillRect(centre - barWidth / 2, barTop, barWidth, plotBottom - barTop);
            if (!Double.isNaN(bar.min()) && bar.max() > bar.min()) {
                g.setColor(INK);
                g.setStroke(new BasicStroke(1.5f));
                int high = yOf(bar.max(), scale, plotTop, plotBottom);
                int low = yOf(bar.min(), scale, plotTop, plotBottom);
                g.drawLine(centre, high, centre, low);
                g.drawLine(centre - 5, high, centre + 5, high);
                g.drawLine(centre - 5, low, centre + 5, low);
            }
            g.setColor(INK);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            centred(g, Unit.number(bar.value()), centre, Math.min(barTop, yOf(bar.max(), scale, plotTop, plotBottom))
                    - 4);
            int lineY = plotBottom + 14;
            for (String line : wrap(g.getFontMetrics(), bar.label(), slot - 4)) {
                centred(g, line, centre, lineY);
                lineY += 13;
            }
        }
    }

    private static List<Bar> bars(ScenarioResult result) {
        List<Bar> bars = new ArrayList<>();
        for (Series series : result.main) {
            boolean ferry = series.tool().startsWith("Ferry");
            bars.add(new Bar(series.tool(), orZero(series.median()), series.min(), series.max(),
                    ferry ? FERRY : BASELINE));
        }
        for (ScenarioResult.Reference reference : result.references) {
            if (!reference.charted()) {
                continue;
            }
            bars.add(new Bar(reference.label(), reference.value(), Double.NaN, Double.NaN, REFERENCE));
        }
        return bars;
    }

    private static void axis(Graphics2D g, int left, int right, int top, int bottom, double scale) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        for (int step = 0; step <= 4; step++) {
            double value = scale * step / 4;
            int y = yOf(value, scale, top, bottom);
            g.setColor(GRID);
            g.drawLine(left, y, right, y);
            g.setColor(INK);
            String label = Unit.number(value);
            g.drawString(label, left - 6 - g.getFontMetrics().stringWidth(label), y + 4);
        }
        g.setColor(INK);
        g.drawLine(left, bottom, right, bottom);
    }

    private static int yOf(double value, double scale, int top, int bottom) {
        double clamped = Double.isNaN(value) ? 0 : Math.max(0, Math.min(value, scale));
        return bottom - (int) Math.round(clamped / scale * (bottom - top));
    }

    /** 1, 2 or 5 times a power of ten, at or above {@code value}. */
    private static double niceCeiling(double value) {
        if (!(value > 0)) {
            return 1;
        }
        double power = Math.pow(10, Math.floor(Math.log10(value)));
        for (double factor : new double[] {1, 2, 5, 10}) {
            if (factor * power >= value) {
                return factor * power;
            }
        }
        return 10 * power;
    }

    private static List<String> wrap(FontMetrics metrics, String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            String candidate = line.isEmpty() ? word : line + " " + word;
            if (metrics.stringWidth(candidate) > width && !line.isEmpty()) {
                lines.add(line.toString());
                line = new StringBuilder(word);
            } else {
                line = new StringBuilder(candidate);
            }
        }
        lines.add(line.toString());
        return lines;
    }

    private static void centred(Graphics2D g, String text, int centre, int baseline) {
        g.drawString(text, centre - g.getFontMetrics().stringWidth(text) / 2, baseline);
    }

    private static double orZero(double value) {
        return Double.isNaN(value) ? 0 : value;
    }
}
