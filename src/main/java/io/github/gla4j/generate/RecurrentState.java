/*
 * RecurrentState.java — everything a GLA model remembers about B sequences: one fp32 state S [B, H, K, V] per layer
 * (GUIDE §2, K = head_k, V = head_v), whatever the number of tokens seen. Zero when created (a fresh sequence).
 * Lives in the backend's memory (one Ops scope, freed by close). Row b of every layer belongs to sequence b; copyRows
 * gathers rows into another state, which is how a batch drops finished sequences. Tested by DecoderTest.
 */
package io.github.gla4j.generate;

import io.github.gla4j.memory.HostTensor;
import io.github.gla4j.memory.Tensor;
import io.github.gla4j.model.GlaConfig;
import io.github.gla4j.model.ops.Ops;

import java.lang.foreign.MemorySegment;

public final class RecurrentState implements AutoCloseable {

    private final int batch;
    private final long rowElements;
    private final Ops.Scope scope;
    private final Tensor[] layers;

    /** Zero states for batch sequences of the model config, in the memory of ops. */
    public RecurrentState(Ops ops, GlaConfig config, int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("RecurrentState: batch must be ≥ 1, got " + batch);
        }
        this.batch = batch;
        this.rowElements = (long) config.numHeads() * config.headK() * config.headV();
        this.scope = ops.newScope();
        this.layers = new Tensor[config.numHiddenLayers()];
        for (int i = 0; i < layers.length; i++) {
            layers[i] = scope.allocate(batch, config.numHeads(), config.headK(), config.headV());
        }
    }

    public int batch() {
        return batch;
    }

    public int layerCount() {
        return layers.length;
    }

    /** The state of layer i, [B, H, K, V] fp32. */
    public Tensor layer(int i) {
        return layers[i];
    }

    /** Layer i's state as a Java array (host memory only; for tests and inspection). */
    public float[] toFloatArray(int i) {
        return host(layers[i]).toFloatArray();
    }

    /** this[j] = from[rows[j]] for every layer; rows.length must equal this batch (host memory only). */
    public void copyRows(RecurrentState from, int[] rows) {
        if (rows.length != batch || from.layers.length != layers.length || from.rowElements != rowElements) {
            throw new IllegalArgumentException("RecurrentState.copyRows: " + rows.length + " rows into a batch of "
                    + batch + " (states of " + layers.length + " × " + rowElements + " and " + from.layers.length
                    + " × " + from.rowElements + " floats)");
        }
        long rowBytes = rowElements * Float.BYTES;
        for (int i = 0; i < layers.length; i++) {
            MemorySegment src = host(from.layers[i]).segment(), dst = host(layers[i]).segment();
            for (int j = 0; j < rows.length; j++) {
                if (rows[j] < 0 || rows[j] >= from.batch) {
                    throw new IllegalArgumentException("RecurrentState.copyRows: row " + rows[j] + " is outside a "
                            + "batch of " + from.batch);
                }
                MemorySegment.copy(src, rows[j] * rowBytes, dst, j * rowBytes, rowBytes);
            }
        }
    }

    private static HostTensor host(Tensor t) {
        if (t instanceof HostTensor h) {
            return h;
        }
        throw new UnsupportedOperationException("RecurrentState: " + t + " is not in host memory; only the cpu "
                + "generation path exists so far");
    }

    @Override
    public void close() {
        scope.close();
    }
}
