/*
 * ReferenceModel.java — the GLA Transformer's forward in double precision, written straight from GUIDE §3 with the
 * plain ops of Reference and the recurrent form of GLA (S_t = diag(exp(g_t)) S_{t−1} + k_tᵀ v_t, o_t = scale q_t S_t).
 * No blocking, no kernels, no shared code with the model under test: the oracle whose finite differences check
 * GlaModel's gradients (ModelGradientTest). Parameters are a map name → values, so a test can perturb any one.
 */
package io.github.gla4j.model;

import io.github.gla4j.model.ops.Reference;

import java.util.LinkedHashMap;
import java.util.Map;

final class ReferenceModel {

    private final GlaConfig c;
    private final Map<String, double[]> p;

    ReferenceModel(GlaConfig config, Map<String, double[]> params) {
        this.c = config;
        this.p = params;
    }

    /** The values of every parameter, as doubles, by name. */
    static Map<String, double[]> valuesOf(Parameters params) {
        Map<String, double[]> map = new LinkedHashMap<>();
        for (String name : params.names()) {
            float[] f = params.get(name).toFloatArray();
            double[] d = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                d[i] = f[i];
            }
            map.put(name, d);
        }
        return map;
    }

    /** Logits [B·T, vocab] for ids [B·T]. */
    double[] logits(int[] ids, int batch, int seqLen) {
        int n = batch * seqLen, d = c.hiddenSize(), h = c.numHeads(), kv = c.numKvHeads(), g = c.groups();
        int hk = c.headK(), hv = c.headV(), inter = c.intermediateSize(), r = GlaConfig.GATE_LOW_RANK_DIM;
        double eps = c.normEps();
        double clamp = c.clampMin().orElse(Double.NEGATIVE_INFINITY);
        double[] x = Reference.embedding(ids, p.get("model.embeddings.weight"), d);
        for (int layer = 0; layer < c.numHiddenLayers(); layer++) {
            String pre = "model.layers." + layer + ".";
            double[] hn = Reference.rmsNorm(x, p.get(pre + "attn_norm.weight"), eps, n, d);
            double[] q = Reference.linear(hn, p.get(pre + "attn.q_proj.weight"), null, n, h * hk, d);
            double[] k = Reference.linear(hn, p.get(pre + "attn.k_proj.weight"), null, n, kv * hk, d);
            double[] v = Reference.linear(hn, p.get(pre + "attn.v_proj.weight"), null, n, kv * hv, d);
            double[] low = Reference.linear(hn, p.get(pre + "attn.gk_proj.0.weight"), null, n, r, d);
            double[] logit = Reference.linear(low, p.get(pre + "attn.gk_proj.1.weight"),
                    p.get(pre + "attn.gk_proj.1.bias"), n, kv * hk, r);
            double[] gate = Reference.logSigmoidGate(logit, GlaConfig.GATE_LOGIT_NORMALIZER, clamp);
            double[] o = gla(q, Reference.repeatHeads(k, n, kv, g, hk), Reference.repeatHeads(v, n, kv, g, hv),
                    Reference.repeatHeads(gate, n, kv, g, hk), batch, seqLen, h, hk, hv);
            double[] z = Reference.linear(hn, p.get(pre + "attn.g_proj.weight"), null, n, h * hv, d);
            double[] y = Reference.gatedRmsNorm(o, z, p.get(pre + "attn." + c.outputNormName() + ".weight"), eps,
                    n * h, hv);
            x = add(x, Reference.linear(y, p.get(pre + "attn.o_proj.weight"), null, n, d, h * hv));
            double[] m = Reference.rmsNorm(x, p.get(pre + "mlp_norm.weight"), eps, n, d);
            double[] a = Reference.linear(m, p.get(pre + "mlp.gate_proj.weight"), null, n, inter, d);
            double[] b = Reference.linear(m, p.get(pre + "mlp.up_proj.weight"), null, n, inter, d);
            x = add(x, Reference.linear(Reference.swiGlu(a, b), p.get(pre + "mlp.down_proj.weight"), null, n, d,
                    inter));
        }
        double[] normed = Reference.rmsNorm(x, p.get("model.norm.weight"), eps, n, d);
        // Tied embeddings use model.embeddings.weight as the head, unless the map holds a separate "lm_head.weight":
        // a test can then perturb the two uses of the tied matrix separately.
        String head = p.containsKey("lm_head.weight") ? "lm_head.weight" : "model.embeddings.weight";
        return Reference.linear(normed, p.get(head), null, n, c.vocabSize(), d);
    }

    /** Mean cross-entropy of logits[b, t] against labels[b, t + 1] over labels ≠ −100. */
    double loss(int[] ids, int[] labels, int batch, int seqLen) {
        double[] logits = logits(ids, batch, seqLen);
        int[] targets = new int[ids.length];
        int count = 0;
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < seqLen; t++) {
                int target = t == seqLen - 1 ? -100 : labels[b * seqLen + t + 1];
                targets[b * seqLen + t] = target;
                count += target == -100 ? 0 : 1;
            }
        }
        return Reference.crossEntropy(logits, targets, c.vocabSize()) / count;
    }

    /** The recurrent form over q, k, g [B·T, H·K], v [B·T, H·V], zero initial state, scale K^−½. */
    static double[] gla(double[] q, double[] k, double[] v, double[] g, int batch, int seqLen, int heads, int dk,
                        int dv) {
        double scale = 1 / Math.sqrt(dk);
        double[] o = new double[batch * seqLen * heads * dv];
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                double[][] s = new double[dk][dv];
                for (int t = 0; t < seqLen; t++) {
                    int row = b * seqLen + t, ko = (row * heads + h) * dk, vo = (row * heads + h) * dv;
                    for (int i = 0; i < dk; i++) {
                        double decay = Math.exp(g[ko + i]);
                        for (int j = 0; j < dv; j++) {
                            s[i][j] = decay * s[i][j] + k[ko + i] * v[vo + j];
                        }
                    }
                    for (int j = 0; j < dv; j++) {
                        double acc = 0;
                        for (int i = 0; i < dk; i++) {
                            acc += q[ko + i] * s[i][j];
                        }
                        o[vo + j] = scale * acc;
                    }
                }
            }
        }
        return o;
    }

    private static double[] add(double[] a, double[] b) {
        double[] s = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            s[i] = a[i] + b[i];
        }
        return s;
    }
}
