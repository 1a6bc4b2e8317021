/*
 * ChunkBenchmark.java — JMH: the cpu chunk kernels against the cpu recurrent form and the pure-Java reference,
 * forward and forward+backward, B=2, H=4, fp32, T x K=V over the grid of docs/BENCHMARKS.md.
 * Run: scripts/bench-cpu.sh (prints the JMH table and the GFLOP/s table of docs/BENCHMARKS.md).
 * Not part of the test suite: JMH runs it, surefire only compiles it.
 */
package io.github.gla4j.bench;

import io.github.gla4j.kernels.GlaKernels;
import io.github.gla4j.kernels.Kernels;
import io.github.gla4j.kernels.Options;
import io.github.gla4j.memory.DType;
import io.github.gla4j.memory.HostTensor;
import io.github.gla4j.memory.Shape;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ChunkBenchmark {

    static final int B = 2, H = 4;

    @Param({"512", "2048", "8192"})
    public int seqLen;

    @Param({"64", "128"})
    public int dim;

    /** chunk: the cpu chunk kernels; recurrent: the cpu token-by-token form; reference: pure Java (double). */
    @Param({"chunk", "recurrent", "reference"})
    public String impl;

    private Arena arena;
    private GlaKernels kernels;
    private final Options options = Options.defaults();
    private HostTensor q, k, v, g, o, dout, dq, dk, dv, dg;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        kernels = impl.equals("reference") ? Kernels.reference() : Kernels.cpu();
        Shape keys = Shape.of(B, seqLen, H, dim), values = Shape.of(B, seqLen, H, dim);
        SplittableRandom r = new SplittableRandom(42);
        q = random(keys, r);
        k = random(keys, r);
        v = random(values, r);
        dout = random(values, r);
        float[] gates = new float[(int) keys.elementCount()];
        for (int i = 0; i < gates.length; i++) {
            gates[i] = (float) (-Math.log1p(Math.exp(-r.nextGaussian())) / 16); // logsigmoid(N(0,1)) / 16, as the model
        }
        g = HostTensor.of(arena, DType.F32, keys, gates);
        o = HostTensor.allocate(arena, DType.F32, values);
        dq = HostTensor.allocate(arena, DType.F32, keys);
        dk = HostTensor.allocate(arena, DType.F32, keys);
        dv = HostTensor.allocate(arena, DType.F32, values);
        dg = HostTensor.allocate(arena, DType.F32, keys);
    }

    private HostTensor random(Shape shape, SplittableRandom r) {
        float[] a = new float[(int) shape.elementCount()];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return HostTensor.of(arena, DType.F32, shape, a);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        kernels.close();
        arena.close();
    }

    @Benchmark
    public void forward() {
        if (impl.equals("chunk")) {
            kernels.chunkForward(options, q, k, v, g, null, o, null);
        } else {
            kernels.recurrentForward(options, q, k, v, g, null, o, null);
        }
    }

    @Benchmark
    public void forwardBackward() {
        forward();
        if (impl.equals("chunk")) {
            kernels.chunkBackward(options, q, k, v, g, null, dout, null, dq, dk, dv, dg, null);
        } else {
            kernels.recurrentBackward(options, q, k, v, g, null, dout, null, dq, dk, dv, dg, null);
        }
    }
}
