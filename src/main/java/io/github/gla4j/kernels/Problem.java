/*
 * Problem.java — one validated op call: the dims and dtypes gla_dims carries, derived from the tensors by Validation.
 */
package io.github.gla4j.kernels;

import io.github.gla4j.ffi.gla_dims;
import io.github.gla4j.memory.DType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * @param numSeqs N with cuSeqlens, else 0
 * @param cuSeqlens sequence boundaries (length N + 1) or null
 */
public record Problem(long batch, long seqLen, long heads, long keyDim, long valueDim, long numSeqs, float scale,
                      DType dtype, Gate gate, Algorithm algorithm, long[] cuSeqlens) {

    /** Number of independent sequences: N with varlen, else B. States have this many rows. */
    public long sequences() {
        return cuSeqlens != null ? numSeqs : batch;
    }

    /** The same call with another gate kind (a decoding step whose gates a gate projection makes). */
    Problem withGate(Gate other) {
        return new Problem(batch, seqLen, heads, keyDim, valueDim, numSeqs, scale, dtype, other, algorithm, cuSeqlens);
    }

    /** The gla_dims struct of this call, in memory of the given arena. */
    MemorySegment toDims(Arena arena) {
        MemorySegment d = gla_dims.allocate(arena);
        gla_dims.batch(d, batch);
        gla_dims.seq_len(d, seqLen);
        gla_dims.heads(d, heads);
        gla_dims.key_dim(d, keyDim);
        gla_dims.value_dim(d, valueDim);
        gla_dims.num_seqs(d, numSeqs);
        gla_dims.scale(d, scale);
        gla_dims.dtype(d, dtype.code());
        gla_dims.gate(d, gate.code());
        gla_dims.algorithm(d, algorithm.code());
        return d;
    }

    /** cu_seqlens as a native int64 array in the given arena, or NULL. */
    MemorySegment cuSeqlens(Arena arena) {
        return cuSeqlens == null ? MemorySegment.NULL : arena.allocateFrom(ValueLayout.JAVA_LONG, cuSeqlens);
    }
}
