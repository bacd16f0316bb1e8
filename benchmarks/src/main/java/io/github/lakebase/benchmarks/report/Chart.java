package io.github.lakebase.benchmarks.report;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The results as a picture: the median cost per test against the parent's size, one line per approach,
 * one panel per filesystem, on the same logarithmic scales so that the panels compare.
 *
 * <pre>{@code
 * Chart.write(summary, Path.of("docs/benchmarks.png"));
 * }</pre>
 */
public final class Chart {

    private static final int WIDTH = 820;
    private static final int HEIGHT = 640;
    private static final Color[] COLORS = {
        new Color(0x33, 0x33, 0x33), new Color(0x1f, 0x77, 0xb4), new Color(0x17, 0xbe, 0xcf),
        new Color(0xd6, 0x27, 0x28), new Color(0xff, 0x7f, 0x0e), new Color(0x94, 0x67, 0xbd)
    };

    private Chart() {}

    /**
     * Draws the chart of {@code summary} into a PNG file.
     *
     * @param summary the results
     * @param png the file to write
     * @throws IOException when it cannot be written
     */
    public static void write(Summary summary, Path png) throws IOException {
        List<Row> rows = summary.rows().stream()
                .filter(r -> r.costPerTest()
                        && !r.slowTests()
                        && !Double.isNaN(r.cost().median())
                        && r.databaseMb() > 0)
                .toList();
        double min = rows.stream().mapToDouble(r -> r.cost().median()).min().orElse(1);
        double max = rows.stream().mapToDouble(r -> r.cost().median()).max().orElse(10);
        List<String> filesystems = rows.stream().map(Row::filesystem).distinct().toList();
        List<BufferedImage> panels = new ArrayList<>();
        for (String fs : filesystems) {
            String title = summary.filesystems().stream()
                    .filter(f -> f.label().equals(fs))
                    .findFirst()
                    .map(Filesystem::describe)
                    .orElse(fs);
            panels.add(BitmapEncoder.getBufferedImage(panel(
                    title, rows.stream().filter(r -> r.filesystem().equals(fs)).toList(), min, max)));
        }
        if (panels.isEmpty()) {
            panels.add(BitmapEncoder.getBufferedImage(panel("no results", List.of(), 1, 10)));
        }
        BufferedImage image = new BufferedImage(WIDTH * panels.size(), HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        for (int i = 0; i < panels.size(); i++) {
            g.drawImage(panels.get(i), i * WIDTH, 0, null);
        }
        g.dispose();
        ImageIO.write(image, "png", png.toFile());
    }

    private static XYChart panel(String title, List<Row> rows, double min, double max) {
        XYChart chart = new XYChartBuilder()
                .width(WIDTH)
                .height(HEIGHT)
                .title("Cost per test (median), " + title)
                .xAxisTitle("database size (MB, log scale)")
                .yAxisTitle("ms per test (log scale)")
                .build();
        XYStyler styler = chart.getStyler();
        styler.setLegendPosition(Styler.LegendPosition.OutsideS);
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotGridLinesColor(new Color(0xdd, 0xdd, 0xdd));
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(min))));
        chart.getStyler().setYAxisMax(Math.pow(10, Math.ceil(Math.log10(max))));
        chart.getStyler().setXAxisDecimalPattern("#,##0");
        chart.getStyler().setYAxisDecimalPattern("#,##0.#");
        Map<String, List<Row>> byLabel = new LinkedHashMap<>();
        rows.forEach(
                r -> byLabel.computeIfAbsent(r.label(), k -> new ArrayList<>()).add(r));
        int i = 0;
        for (Map.Entry<String, List<Row>> e : byLabel.entrySet()) {
            List<Row> line = e.getValue();
            XYSeries series = chart.addSeries(
                    e.getKey(),
                    line.stream().mapToDouble(Row::databaseMb).toArray(),
                    line.stream().mapToDouble(r -> r.cost().median()).toArray());
            series.setMarker(SeriesMarkers.CIRCLE);
            series.setLineColor(COLORS[i % COLORS.length]);
            series.setMarkerColor(COLORS[i % COLORS.length]);
            i++;
        }
        if (byLabel.isEmpty()) {
            chart.addSeries("no results", new double[] {1}, new double[] {1});
        }
        return chart;
    }
}
