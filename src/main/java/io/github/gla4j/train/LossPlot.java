/*
 * LossPlot.java — the loss curve of a run as a PNG (XChart, headless): training loss per step, its running mean,
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
        XYSeries train = chart.addSeries("train", history.steps, finite(history.losses));
        train.setMarker(SeriesMarkers.NONE);
        train.setLineColor(new Color(0x9ecae1));
        if (history.steps.size() >= 20) {
            XYSeries smooth = chart.addSeries("train (mean of " + window(history) + ")", history.steps,
                    runningMean(finite(history.losses), window(history)));
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

    private static List<Double> runningMean(List<Double> values, int window) {
        List<Double> out = new ArrayList<>(values.size());
        double sum = 0;
        int count = 0;
        for (int i = 0; i < values.size(); i++) {
            double v = values.get(i);
            if (Double.isFinite(v)) {
                sum += v;
                count++;
            }
            if (i >= window) {
                double old = values.get(i - window);
                if (Double.isFinite(old)) {
                    sum -= old;
                    count--;
                }
            }
            out.add(count == 0 ? Double.NaN : sum / count);
        }
        return out;
    }
}
