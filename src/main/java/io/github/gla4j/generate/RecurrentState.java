/*
 * RecurrentState.java — everything a GLA model remembers about B sequences: one fp32 state S [B, H, K, V] per layer
 * (GUIDE §2, K = head_k, V = head_v), whatever the number of tokens seen. Zero when created (a fresh sequence).
 * Lives in the backend's memory (one Ops scope, freed by close). Row b of every layer belongs to sequence b; copyRows
 * gathers rows into another state, which is how a batch drops finished sequences. Tested by DecoderTest.
 */
package io.github.gla4j.generate;

import io.github.gla4j.memory.DeviceTensor;
import io.github.gla4j.memory.HostTensor;
import io.github.gla4j.memory.Tensor;
import io.github.gla4j.model.GlaConfig;
import io.github.gla4j.model.ModelRuntime;
import io.github.gla4j.model.ops.Ops;

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

    /** Layer i's state as a Java array (copied from the device when it lives there). */
    public float[] toFloatArray(int i) {
        return ModelRuntime.toFloats(layers[i]);
    }

    /** this[j] = from[rows[j]] for every layer; rows.length must equal this batch. */
    public void copyRows(RecurrentState from, int[] rows) {
        if (rows.length != batch || from.layers.length != layers.length || from.rowElements != rowElements) {
            throw new IllegalArgumentException("RecurrentState.copyRows: " + rows.length + " rows into a batch of "
                    + batch + " (states of " + layers.length + " × " + rowElements + " and " + from.layers.length
                    + " × " + from.rowElements + " floats)");
        }
        for (int row : rows) {
            if (row < 0 || row >= from.batch) {
                throw new IllegalArgumentException("RecurrentState.copyRows: row " + row + " is outside a batch of "
                        + from.batch);
            }
        }
        for (int i = 0; i < layers.length; i++) {
            for (int j = 0; j < rows.length; j++) {
                switch (layers[i]) {
                    case HostTensor dst ->
                            dst.slice(j, 1).copyFrom(((HostTensor) from.layers[i]).slice(rows[j], 1));
                    case DeviceTensor dst ->
                            dst.slice(j, 1).copyFrom(((DeviceTensor) from.layers[i]).slice(rows[j], 1));
                }
            }
        }
    }

    @Override
    public void close() {
        scope.close();
    }
}
