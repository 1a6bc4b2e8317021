/*
 * PlotKernelTimes.java — docs/kernel-times.png: time against sequence length (H16, K=V=128, 32K tokens per batch)
 * for gla4j's chunk kernels (a gla_cuda_lab bench JSON) beside fla and SDPA flash attention (a peers JSON: what
 * bench_peers.py writes, or ../shared/peers' format), forward and forward+backward; with a fourth argument, the
 * ungated kernels beside fla's chunk_linear_attn in a second chart.
 *   java -cp "$(cat target/test-classpath.txt)" scripts/PlotKernelTimes.java LAB.json PEERS.json OUT.png [UNGATED.png]
 */
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

public class PlotKernelTimes {
    static final int[] T = {1024, 2048, 4096, 8192, 16384};

    static String shape(int t) {
        return "B" + (32768 / t) + " T" + t + " H16 K128 V128";
    }

    public static void main(String[] args) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<String, Double> ours = new TreeMap<>(), peers = new TreeMap<>();
        for (JsonNode r : json.readTree(new File(args[0])).get("rows")) {
            ours.put(r.get("op").asText() + "|" + r.get("mode").asText() + "|" + r.get("shape").asText(),
                    r.get("ms").asDouble());
        }
        for (JsonNode r : json.readTree(new File(args[1])).get("rows")) {
            peers.put(peerKey(r), r.get("ms").asDouble());
        }
        XYChart chart = chart("GLA chunk kernels on one H200: H16, K=V=128, 32K tokens per batch, bf16");
        add(chart, "gla4j gated fwd+bwd", t -> ours.get("gla4j.chunk_gla|fwd+bwd|" + shape(t)));
        add(chart, "fla chunk_gla fwd+bwd", t -> peers.get("fla.chunk_gla|fwd+bwd|" + shape(t)));
        add(chart, "SDPA flash causal fwd+bwd", t -> peers.get("sdpa.flash_causal|fwd+bwd|" + shape(t)));
        add(chart, "gla4j gated fwd", t -> ours.get("gla4j.chunk_gla|fwd|" + shape(t)));
        add(chart, "fla chunk_gla fwd", t -> peers.get("fla.chunk_gla|fwd|" + shape(t)));
        add(chart, "SDPA flash causal fwd", t -> peers.get("sdpa.flash_causal|fwd|" + shape(t)));
        BitmapEncoder.saveBitmap(chart, args[2], BitmapEncoder.BitmapFormat.PNG);
        if (args.length > 3) {
            XYChart ungated = chart("FlashLinearAttention (no gate) on one H200: H16, K=V=128, 32K tokens per batch, bf16");
            ungated.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
            add(ungated, "gla4j ungated fwd+bwd", t -> ours.get("gla4j.chunk_linear_attn|fwd+bwd|" + shape(t)));
            add(ungated, "fla chunk_linear_attn fwd+bwd", t -> peers.get("fla.chunk_linear_attn|fwd+bwd|" + shape(t)));
            add(ungated, "gla4j ungated fwd", t -> ours.get("gla4j.chunk_linear_attn|fwd|" + shape(t)));
            add(ungated, "fla chunk_linear_attn fwd", t -> peers.get("fla.chunk_linear_attn|fwd|" + shape(t)));
            BitmapEncoder.saveBitmap(ungated, args[3], BitmapEncoder.BitmapFormat.PNG);
        }
    }

    static XYChart chart(String title) {
        XYChart chart = new XYChartBuilder().width(900).height(560).title(title)
                .xAxisTitle("sequence length T").yAxisTitle("ms").build();
        chart.getStyler().setXAxisLogarithmic(true).setYAxisLogarithmic(true).setLegendPosition(
                org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        return chart;
    }

    /**
     * "op|mode|shape" of a peers row, in either format: bench_peers.py's ({"peer": "fla.chunk_gla", "mode": "fwd",
     * "shape": "32,1024,16,128,128"}) or ../shared/peers' ({"what": "fla chunk_gla fwd h16d128", "shape":
     * "B32 T1024 H16 D128"}).
     */
    static String peerKey(JsonNode r) {
        if (r.has("peer")) {
            String[] d = r.get("shape").asText().split(",");
            return r.get("peer").asText() + "|" + r.get("mode").asText() + "|B" + d[0] + " T" + d[1] + " H" + d[2]
                    + " K" + d[3] + " V" + d[4];
        }
        String[] w = r.get("what").asText().split(" ");   // op words, mode, shape tag
        String op = w[0].equals("sdpa-flash") ? "sdpa.flash_causal" : w[0] + "." + w[1];
        return op + "|" + w[w.length - 2] + "|" + r.get("shape").asText().replace(" D128", " K128 V128");
    }

    static void add(XYChart chart, String name, java.util.function.IntFunction<Double> ms) {
        List<Double> x = new ArrayList<>(), y = new ArrayList<>();
        for (int t : T) {
            Double v = ms.apply(t);
            if (v != null) {
                x.add((double) t);
                y.add(v);
            }
        }
        chart.addSeries(name, x, y).setMarker(SeriesMarkers.CIRCLE);
    }
}
