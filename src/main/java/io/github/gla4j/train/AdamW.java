/*
 * AdamW.java — the AdamW optimizer (Loshchilov & Hutter), decoupled weight decay, in fp32 over a model's Parameters,
 * with the arithmetic of torch.optim.AdamW (scalars in double, tensors in float), one update per call:
 *   p ← p·(1 − lr·wd)                      (only for decayed parameters)
 *   m ← m + (1 − β1)·(g − m)                (torch's lerp)
 *   v ← v·β2 + (1 − β2)·g²
 *   p ← p − lr/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + ε)
 * Weight decay applies to every parameter, as torch's AdamW over model.parameters() does, unless norms and biases
 * (the rank-1 parameters) are exempted. The moments m (exp_avg) and v (exp_avg_sq) are Parameters of the same
 * layout, so they are saved and loaded by name like the weights. Elementwise, so parallel blocks give the same bits
 * at any thread count. DeviceParameters are updated on their device (gla_adamw) with device copies of the moments,
 * made from expAvg()/expAvgSq() at the first device update; syncToHost() copies them back (for checkpoints).
 * Tested by AdamWTest (three steps against the update in double) and GoldenTrainingTest.
 */
package io.github.gla4j.train;

import io.github.gla4j.ffi.Gla;
import io.github.gla4j.ffi.GlaH;
import io.github.gla4j.memory.HostTensor;
import io.github.gla4j.model.DeviceParameters;
import io.github.gla4j.model.GlaConfig;
import io.github.gla4j.model.ParameterSet;
import io.github.gla4j.model.Parameters;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.stream.IntStream;

public final class AdamW implements AutoCloseable {

    /** The hyper-parameters (the learning rate comes with each step, from the schedule). */
    public record Settings(double beta1, double beta2, double eps, double weightDecay, boolean decayNormsAndBiases) {
        public Settings {
            check(beta1 >= 0 && beta1 < 1, "beta1", beta1, "must be in [0, 1)");
            check(beta2 >= 0 && beta2 < 1, "beta2", beta2, "must be in [0, 1)");
            check(eps > 0 && Double.isFinite(eps), "eps", eps, "must be a finite number > 0");
            check(weightDecay >= 0 && Double.isFinite(weightDecay), "weight decay", weightDecay,
                    "must be a finite number ≥ 0");
        }

        private static void check(boolean ok, String name, double value, String what) {
            if (!ok) {
                throw new IllegalArgumentException("AdamW: " + name + " = " + value + " " + what);
            }
        }
    }

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;
    /** Elements per parallel block. */
    private static final int BLOCK = 1 << 16;

    private final Settings settings;
    private final Parameters expAvg;
    private final Parameters expAvgSq;
    /** The moments on the device of the parameters last updated there, or null. */
    private DeviceParameters deviceExpAvg, deviceExpAvgSq;
    private long step;

    /** An optimizer with zero moments for the parameters of a model of config. */
    public AdamW(Settings settings, GlaConfig config) {
        this.settings = settings;
        this.expAvg = Parameters.zeros(config);
        this.expAvgSq = Parameters.zeros(config);
    }

    public Settings settings() {
        return settings;
    }

    /** Updates taken so far (torch's state "step"). */
    public long step() {
        return step;
    }

    /** The first moments, by parameter name (for checkpoints). */
    public Parameters expAvg() {
        return expAvg;
    }

    /** The second moments, by parameter name (for checkpoints). */
    public Parameters expAvgSq() {
        return expAvgSq;
    }

    /**
     * Restores the step count that goes with moments loaded into expAvg() and expAvgSq(); device copies of the old
     * moments are dropped (the next device update uploads the restored ones).
     */
    public void restoreStep(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("AdamW: step " + step + " must be ≥ 0");
        }
        this.step = step;
        closeDeviceMoments();
    }

    /** Copies the device moments, if the parameters are updated on a device, into expAvg() and expAvgSq(). */
    public void syncToHost() {
        if (deviceExpAvg != null) {
            deviceExpAvg.downloadTo(expAvg);
            deviceExpAvgSq.downloadTo(expAvgSq);
        }
    }

    /** Whether a parameter of this rank is decayed: the rank-1 parameters are exactly the norms and biases. */
    public boolean decays(int rank) {
        return settings.decayNormsAndBiases || rank != 1;
    }

    /** One update of params with grads (both host Parameters or both DeviceParameters) at learning rate lr. */
    public void update(ParameterSet params, ParameterSet grads, double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("AdamW: learning rate " + lr + " must be a finite number ≥ 0");
        }
        step++;
        double bias1 = 1 - Math.pow(settings.beta1, step);
        double bias2 = 1 - Math.pow(settings.beta2, step);
        float stepSize = (float) (lr / bias1);
        float bias2Sqrt = (float) Math.sqrt(bias2);
        float eps = (float) settings.eps;
        float oneMinusBeta1 = (float) (1 - settings.beta1);
        float beta2 = (float) settings.beta2;
        float oneMinusBeta2 = (float) (1 - settings.beta2);
        if (params instanceof DeviceParameters dp) {
            updateOnDevice(dp, (DeviceParameters) grads, lr, stepSize, bias2Sqrt, eps, oneMinusBeta1, beta2,
                    oneMinusBeta2);
            return;
        }
        for (String name : params.names()) {
            HostTensor p = (HostTensor) params.get(name);
            float decay = decays(p.shape().rank()) ? (float) (1 - lr * settings.weightDecay) : 1f;
            MemorySegment ps = p.segment(), gs = ((HostTensor) grads.get(name)).segment(),
                    ms = expAvg.get(name).segment(), vs = expAvgSq.get(name).segment();
            long n = p.elementCount();
            int blocks = Math.toIntExact((n + BLOCK - 1) / BLOCK);
            IntStream range = IntStream.range(0, blocks);
            (blocks > 1 ? range.parallel() : range).forEach(b -> {
                long end = Math.min(n, (long) (b + 1) * BLOCK);
                for (long i = (long) b * BLOCK; i < end; i++) {
                    float g = gs.getAtIndex(F32, i);
                    float m = ms.getAtIndex(F32, i);
                    m = m + oneMinusBeta1 * (g - m);
                    float v = vs.getAtIndex(F32, i) * beta2 + oneMinusBeta2 * g * g;
                    float denom = (float) Math.sqrt(v) / bias2Sqrt + eps;
                    float w = ps.getAtIndex(F32, i) * decay;
                    ms.setAtIndex(F32, i, m);
                    vs.setAtIndex(F32, i, v);
                    ps.setAtIndex(F32, i, w - stepSize * (m / denom));
                }
            });
        }
    }

    private void updateOnDevice(DeviceParameters params, DeviceParameters grads, double lr, float stepSize,
                                float bias2Sqrt, float eps, float oneMinusBeta1, float beta2, float oneMinusBeta2) {
        if (deviceExpAvg == null || deviceExpAvg.context() != params.context()) {
            closeDeviceMoments();
            deviceExpAvg = DeviceParameters.upload(expAvg, params.context());
            deviceExpAvgSq = DeviceParameters.upload(expAvgSq, params.context());
        }
        var ctx = params.context().handle();
        for (String name : params.names()) {
            var p = params.get(name);
            float decay = decays(p.shape().rank()) ? (float) (1 - lr * settings.weightDecay) : 1f;
            Gla.check("gla_adamw", GlaH.gla_adamw(ctx, p.elementCount(), p.pointer(), grads.get(name).pointer(),
                    deviceExpAvg.get(name).pointer(), deviceExpAvgSq.get(name).pointer(), stepSize, bias2Sqrt,
                    oneMinusBeta1, beta2, oneMinusBeta2, eps, decay));
        }
    }

    private void closeDeviceMoments() {
        if (deviceExpAvg != null) {
            deviceExpAvg.close();
            deviceExpAvgSq.close();
            deviceExpAvg = deviceExpAvgSq = null;
        }
    }

    @Override
    public void close() {
        closeDeviceMoments();
        expAvg.close();
        expAvgSq.close();
    }
}
