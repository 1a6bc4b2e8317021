/*
 * DecodeProbe.java — where a batch-1 340M decoding step's time goes, timed from Java on the H200 (decode-probe*.log):
 * Decoder.step with and without argmax, its recorded graph launched and waited for alone (reached by reflection
 * through the Decoder's private field, named deviceStep when the logs were made), the graph launched back to back,
 * an idle synchronize, argmax over a row of logits. A measurement program kept with its results, not part of the
 * library. Built against target/classes and run with the GPU bundle's runtime:
 *   javac -d classes -cp target/classes DecodeProbe.java
 *   gpu-bundle/runtime/bin/java --enable-native-access=ALL-UNNAMED -Dgla4j.library.path=gpu-bundle/native/libgla4j.so \
 *     -cp "classes:gpu-bundle/classes:gpu-bundle/lib/*" DecodeProbe 340M
 */
import io.github.gla4j.generate.Decoder;
import io.github.gla4j.generate.Sampling;
import io.github.gla4j.memory.Context;
import io.github.gla4j.memory.Graph;
import io.github.gla4j.model.GlaConfig;
import io.github.gla4j.model.GlaModel;
import io.github.gla4j.model.ModelRuntime;
import io.github.gla4j.model.ParameterSet;
import io.github.gla4j.model.Parameters;
import io.github.gla4j.model.ops.NativeOps;

import java.lang.reflect.Field;
import java.lang.reflect.Method;

public class DecodeProbe {
    public static void main(String[] a) throws Exception {
        GlaConfig config = GlaConfig.preset(a.length > 0 ? a[0] : "340M");
        Parameters params = Parameters.initialized(config, 1);
        try (ModelRuntime rt = ModelRuntime.open("cuda", "bf16"); ParameterSet placed = rt.place(params);
             Decoder d = new Decoder(new GlaModel(placed, rt.ops()))) {
            Context ctx = ((NativeOps) rt.ops()).context();
            int[][] prompt = {new int[512]};
            for (int i = 0; i < 512; i++) prompt[0][i] = (i * 7919) % config.vocabSize();
            float[][] l = d.prefill(prompt);
            int[] next = {Sampling.argmax(l[0])};
            long w0 = System.nanoTime();
            while (System.nanoTime() - w0 < 3e9) next = new int[]{Sampling.argmax(d.step(next)[0])};
            int n = 2000;
            for (int rep = 0; rep < 2; rep++) {
                long t = System.nanoTime();
                for (int i = 0; i < n; i++) next = new int[]{Sampling.argmax(d.step(next)[0])};
                double step = (System.nanoTime() - t) / 1e3 / n;
                t = System.nanoTime();
                for (int i = 0; i < n; i++) d.step(next);
                double noArgmax = (System.nanoTime() - t) / 1e3 / n;
                Field f = Decoder.class.getDeclaredField("nativeStep"); f.setAccessible(true);
                Object ds = f.get(d);
                Field gf = ds.getClass().getDeclaredField("graph"); gf.setAccessible(true);
                Graph g = (Graph) gf.get(ds);
                t = System.nanoTime();
                for (int i = 0; i < n; i++) { g.launch(); ctx.synchronize(); }
                double alone = (System.nanoTime() - t) / 1e3 / n;
                t = System.nanoTime();
                for (int i = 0; i < n; i++) g.launch();
                ctx.synchronize();
                double piped = (System.nanoTime() - t) / 1e3 / n;
                t = System.nanoTime();
                for (int i = 0; i < n; i++) ctx.synchronize();
                double sync = (System.nanoTime() - t) / 1e3 / n;
                float[] row = new float[config.vocabSize()];
                t = System.nanoTime();
                int s = 0;
                for (int i = 0; i < n; i++) s += Sampling.argmax(row);
                double argmax = (System.nanoTime() - t) / 1e3 / n;
                System.out.printf("rep %d: step+argmax %.1f us, step %.1f us, graph launch+sync %.1f us, graph piped %.1f us, idle sync %.2f us, argmax %.1f us (%d)%n",
                        rep, step, noArgmax, alone, piped, sync, argmax, s);
            }
        }
    }
}
