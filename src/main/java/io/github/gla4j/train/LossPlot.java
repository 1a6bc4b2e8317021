/*
 * LossPlot.java — the loss curve of a run as a PNG (XChart, headless): training loss per step, its moving mean,
 * and validation loss at each validation. Written atomically next to the checkpoints (OUT/loss.png). Needs no
 * display: java.awt.headless is set before any chart is made. Tested by LossPlotTest.
 */
package io.github.gla4j.train;

import io.github.gla4j.model.safetensors.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

public final class LossPlot {

    public static final String FILE = "loss.png";

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private LossPlot() {
    }

    /** Draws history into png (replaced atomically); does nothing when there is no step yet. */
    public static void write(Path png, History history, String title) throws IOException {
        if (history.steps.isEmpty()) {
            return;
        }
        XYChart chart = new XYChartBuilder().width(900).height(540).title(title).xAxisTitle("step")
                .yAxisTitle("loss (nats / token)").build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesVisible(true);
        chart.getStyler().setMarkerSize(5);
        chart.getStyler().setXAxisDecimalPattern("#");
        chart.getStyler().setXAxisTickMarkSpacingHint(120);
        XYSeries train = chart.addSeries("train", history.steps, finite(history.losses));
        train.setMarker(SeriesMarkers.NONE);
        train.setLineColor(new Color(0x9ecae1));
        if (history.steps.size() >= 20) {
            XYSeries smooth = chart.addSeries("train (mean of " + window(history) + " steps)", history.steps,
                    centredMean(finite(history.losses), window(history)));
            smooth.setMarker(SeriesMarkers.NONE);
            smooth.setLineColor(new Color(0x08519c));
        }
        if (!history.valSteps.isEmpty()) {
            XYSeries val = chart.addSeries("validation", history.valSteps, finite(history.valLosses));
            val.setLineColor(new Color(0xd94801));
            val.setMarkerColor(new Color(0xd94801));
            val.setMarker(SeriesMarkers.CIRCLE);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BitmapEncoder.saveBitmap(chart, bytes, BitmapEncoder.BitmapFormat.PNG);
        AtomicFiles.write(png, bytes.toByteArray());
    }

    private static int window(History history) {
        return Math.max(5, history.steps.size() / 50);
    }

    /** Non-finite values (a diverged step) are drawn as gaps. */
    private static List<Double> finite(List<Double> values) {
        List<Double> out = new ArrayList<>(values.size());
        for (double v : values) {
            out.add(Double.isFinite(v) ? v : Double.NaN);
        }
        return out;
    }

    /** The mean of the finite values in a window centred on each step (shorter at the ends), so it does not lag. */
    private static List<Double> centredMean(List<Double> values, int window) {
        int n = values.size(), half = window / 2;
        double[] prefix = new double[n + 1];
        int[] count = new int[n + 1];
        for (int i = 0; i < n; i++) {
            double v = values.get(i);
            boolean ok = Double.isFinite(v);
            prefix[i + 1] = prefix[i] + (ok ? v : 0);
            count[i + 1] = count[i] + (ok ? 1 : 0);
        }
        List<Double> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int from = Math.max(0, i - half), to = Math.min(n, i + half + 1);
            int c = count[to] - count[from];
            out.add(c == 0 ? Double.NaN : (prefix[to] - prefix[from]) / c);
        }
        return out;
    }
}
