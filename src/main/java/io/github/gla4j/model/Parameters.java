/*
 * Parameters.java — every parameter of a GLA model in one fp32 allocation (one native MemorySegment, in the
 * reference's order, packed without gaps), with a named view per parameter. The same layout holds the gradients:
 * an optimizer can then run over flat() as a single array. Names are exactly the reference's
 * (GlaConfig.parameters()); with tied embeddings there is no lm_head.weight and the head uses
 * model.embeddings.weight. Memory comes from a shared arena owned by this object (the kernels' worker threads read
 * it), freed by close. Tested by ParametersTest.
 */
package io.github.gla4j.model;

import io.github.gla4j.memory.DType;
import io.github.gla4j.memory.HostTensor;
import io.github.gla4j.memory.Shape;
import io.github.gla4j.model.safetensors.SafeTensor;
import io.github.gla4j.model.safetensors.SafeTensorsDType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

public final class Parameters implements ParameterSet {

    private static final ValueLayout.OfFloat LITTLE_ENDIAN_F32 =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final GlaConfig config;
    private final Arena arena;
    private final HostTensor flat;
    private final Map<String, HostTensor> views;

    private Parameters(GlaConfig config) {
        this.config = config;
        this.arena = Arena.ofShared();
        long total = config.parameterCount();
        this.flat = HostTensor.allocate(arena, DType.F32, total);
        Map<String, HostTensor> byName = new LinkedHashMap<>();
        long offset = 0;
        for (GlaConfig.Parameter p : config.parameters()) {
            long bytes = p.numel() * Float.BYTES;
            byName.put(p.name(), HostTensor.wrap(flat.segment().asSlice(offset, bytes), DType.F32,
                    Shape.of(p.shape())));
            offset += bytes;
        }
        this.views = java.util.Collections.unmodifiableMap(byName);
    }

    /** All parameters of config, zero. */
    public static Parameters zeros(GlaConfig config) {
        return new Parameters(config);
    }

    /** The parameters of a checkpoint, converted to fp32 (F32, BF16 or F16 on disk). */
    public static Parameters load(Checkpoint checkpoint) {
        Parameters p = new Parameters(checkpoint.config());
        for (Map.Entry<String, HostTensor> e : p.views.entrySet()) {
            SafeTensor t = checkpoint.tensor(e.getKey());
            HostTensor view = e.getValue();
            if (t.dtype() == SafeTensorsDType.F32) {
                MemorySegment.copy(t.data(), LITTLE_ENDIAN_F32, 0, view.segment(), ValueLayout.JAVA_FLOAT_UNALIGNED,
                        0, view.elementCount());
            } else {
                view.copyFrom(t.toFloats());
            }
        }
        return p;
    }

    /**
     * Parameters of config initialised as the reference does: linear and embedding weights N(0, initializer_range),
     * biases 0, norm weights 1. Deterministic for a seed (not the reference's random stream).
     */
    public static Parameters initialized(GlaConfig config, long seed) {
        Parameters p = new Parameters(config);
        Random random = new Random(seed);
        for (Map.Entry<String, HostTensor> e : p.views.entrySet()) {
            String name = e.getKey();
            HostTensor view = e.getValue();
            if (name.endsWith(".bias")) {
                continue;
            }
            boolean norm = view.shape().rank() == 1;
            float[] values = new float[Math.toIntExact(view.elementCount())];
            for (int i = 0; i < values.length; i++) {
                values[i] = norm ? 1f : (float) (random.nextGaussian() * config.initializerRange());
            }
            view.copyFrom(values);
        }
        return p;
    }

    @Override
    public GlaConfig config() {
        return config;
    }

    /** Parameter names in the reference order. */
    @Override
    public Set<String> names() {
        return views.keySet();
    }

    /** The view of one parameter, e.g. get("model.layers.0.attn.q_proj.weight") [key_dim, hidden_size]. */
    @Override
    public HostTensor get(String name) {
        return ParameterSet.lookup(views, name);
    }

    /** All parameters as one vector [parameterCount()], in the reference order. */
    @Override
    public HostTensor flat() {
        return flat;
    }

    @Override
    public void zero() {
        flat.segment().fill((byte) 0);
    }

    /** Zero-copy F32 safetensors of every parameter under its name, e.g. for Checkpoint.save; valid until close. */
    public List<SafeTensor> toSafeTensors() {
        return toSafeTensors("");
    }

    /** Like toSafeTensors() with prefix before each name (e.g. "grad."). */
    public List<SafeTensor> toSafeTensors(String prefix) {
        List<SafeTensor> out = new ArrayList<>();
        for (Map.Entry<String, HostTensor> e : views.entrySet()) {
            out.add(new SafeTensor(prefix + e.getKey(), SafeTensorsDType.F32, e.getValue().shape().dims(),
                    e.getValue().segment()));
        }
        return out;
    }

    @Override
    public void close() {
        arena.close();
    }
}
