/*
 * ReadmeExampleTest.java — the Java example of README.md inside example() (plus a step that fills the inputs),
 * compiled and run, its result checked against the reference, so the README never shows code that does not work.
 */
package io.github.gla4j;

import io.github.gla4j.kernels.GlaKernels;
import io.github.gla4j.kernels.Kernels;
import io.github.gla4j.kernels.Options;
import io.github.gla4j.memory.DType;
import io.github.gla4j.memory.HostTensor;
import io.github.gla4j.memory.Shape;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ReadmeExampleTest {

    /** Runs the README example on inputs set by fill, returning o and ht. */
    static float[][] example(java.util.function.Consumer<HostTensor[]> fill) {
        try (Arena arena = Arena.ofConfined(); GlaKernels gla = Kernels.cpu()) {
            Shape keys = Shape.of(2, 1024, 4, 64), values = Shape.of(2, 1024, 4, 64);   // [B, T, H, K], [B, T, H, V]
            HostTensor q = HostTensor.allocate(arena, DType.F32, keys);                  // fill these with your data:
            HostTensor k = HostTensor.allocate(arena, DType.F32, keys);                  // q.segment() is a MemorySegment
            HostTensor v = HostTensor.allocate(arena, DType.F32, values);
            HostTensor g = HostTensor.allocate(arena, DType.F32, keys);                  // log forget gates, <= 0
            HostTensor o = HostTensor.allocate(arena, DType.F32, values);
            HostTensor ht = HostTensor.allocate(arena, DType.F32, Shape.of(2, 4, 64, 64)); // final state [B, H, K, V]
            fill.accept(new HostTensor[] {q, k, v, g});
            gla.chunkForward(Options.defaults(), q, k, v, g, null, o, ht);              // no initial state, scale K^-0.5
            return new float[][] {o.toFloatArray(), ht.toFloatArray()};
        }
    }

    @Test
    void readmeShowsThisExample() throws IOException {
        Path path = Path.of("README.md");
        assumeTrue(Files.exists(path), "not run from the project root");
        String readme = Files.readString(path);
        for (String line : new String[] {
                "try (Arena arena = Arena.ofConfined(); GlaKernels gla = Kernels.cpu()) {",
                "gla.chunkForward(Options.defaults(), q, k, v, g, null, o, ht);",
                "HostTensor ht = HostTensor.allocate(arena, DType.F32, Shape.of(2, 4, 64, 64));"}) {
            assertTrue(readme.contains(line), "README.md no longer contains: " + line);
        }
    }

    @Test
    void exampleComputesWhatTheReferenceComputes() {
        java.util.function.Consumer<HostTensor[]> fill = t -> {
            java.util.SplittableRandom r = new java.util.SplittableRandom(3);
            for (int i = 0; i < 4; i++) {
                for (long j = 0; j < t[i].elementCount(); j++) {
                    t[i].set(j, i == 3 ? (float) (-0.1 * r.nextDouble()) : (float) r.nextGaussian());
                }
            }
        };
        float[][] got = example(fill);
        try (Arena arena = Arena.ofConfined()) {
            Shape keys = Shape.of(2, 1024, 4, 64);
            HostTensor[] in = new HostTensor[4];
            for (int i = 0; i < 4; i++) {
                in[i] = HostTensor.allocate(arena, DType.F32, keys);
            }
            fill.accept(in);
            HostTensor o = HostTensor.allocate(arena, DType.F32, keys);
            HostTensor ht = HostTensor.allocate(arena, DType.F32, Shape.of(2, 4, 64, 64));
            Kernels.reference().chunkForward(Options.defaults(), in[0], in[1], in[2], in[3], null, o, ht);
            assertArrayEquals(o.toFloatArray(), got[0], 1e-3f);
            assertArrayEquals(ht.toFloatArray(), got[1], 1e-2f);
        }
    }
}
