/*
 * Inputs.java — the random inputs of one Case in host memory: in the case's dtype for the kernel under test, and as
 * fp32 copies holding exactly the same values for the reference (bf16 values are exact in fp32), so the reference
 * result is not rounded to bf16 before the comparison.
 */
package io.github.gla4j.kernels;

import io.github.gla4j.memory.DType;
import io.github.gla4j.memory.HostTensor;
import io.github.gla4j.memory.Shape;

import java.lang.foreign.Arena;
import java.util.SplittableRandom;

final class Inputs {

    final Case c;
    final Options options;
    final Shape keys, values, gateShape, state;
    final HostTensor q, k, v, g, h0, dout, dht;
    final HostTensor q32, k32, v32, dout32;

    Inputs(Arena arena, Case c, long seed) {
        this.c = c;
        this.options = c.options();
        SplittableRandom r = new SplittableRandom(seed);
        keys = Shape.of(c.batch(), c.seqLen(), c.heads(), c.keyDim());
        values = Shape.of(c.batch(), c.seqLen(), c.heads(), c.valueDim());
        gateShape = switch (c.gate()) {
            case CHANNEL -> keys;
            case HEAD -> Shape.of(c.batch(), c.seqLen(), c.heads());
            case NONE -> null;
        };
        state = Shape.of(c.sequences(), c.heads(), c.keyDim(), c.valueDim());
        q = random(arena, c.dtype(), keys, r, 1);
        k = random(arena, c.dtype(), keys, r, 1);
        v = random(arena, c.dtype(), values, r, 1);
        dout = random(arena, c.dtype(), values, r, 1);
        g = gateShape == null ? null
                : HostTensor.of(arena, DType.F32, gateShape, TestData.gates(r, (int) gateShape.elementCount(), c.strength()));
        h0 = c.h0() ? random(arena, DType.F32, state, r, 0.5) : null;
        dht = c.ht() ? random(arena, DType.F32, state, r, 1) : null;
        q32 = fp32(arena, q);
        k32 = fp32(arena, k);
        v32 = fp32(arena, v);
        dout32 = fp32(arena, dout);
    }

    private static HostTensor random(Arena arena, DType dtype, Shape shape, SplittableRandom r, double sd) {
        return HostTensor.of(arena, dtype, shape, TestData.normal(r, (int) shape.elementCount(), sd));
    }

    private static HostTensor fp32(Arena arena, HostTensor t) {
        return t.dtype() == DType.F32 ? t : HostTensor.of(arena, DType.F32, t.shape(), t.toFloatArray());
    }
}
