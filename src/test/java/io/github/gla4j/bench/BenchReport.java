/*
 * BenchReport.java — turns the JMH JSON of ChunkBenchmark into the markdown table of docs/BENCHMARKS.md: time per
 * call, GFLOP/s and the fraction of the measured fp32 FMA peak.
 * Run by scripts/bench-cpu.sh: java ... io.github.gla4j.bench.BenchReport target/jmh-cpu.json PEAK_GFLOPS
 *
 * FLOPs are those of the chunk algorithm (chunk C = 64), per token and head, whatever implementation ran, so that
 * every row's GFLOP/s compares as a time ratio:
 *   forward:  (C+1)(K+V)  [causal q·kᵀ and A·v inside a chunk]  + 4KV  [q·h and the state update]
 *   backward: 2(C+1)(K+V) [dA, dv, dq, dk inside a chunk]       + 10KV [recomputed states, dh, and the
 *                                                                       inter-chunk parts of dq, dk, dv]
 */
package io.github.gla4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

public final class BenchReport {

    static final int CHUNK = 64;

    private BenchReport() {
    }

    static double forwardFlops(long tokens, int heads, int k, int v) {
        return (double) tokens * heads * ((CHUNK + 1.0) * (k + v) + 4.0 * k * v);
    }

    static double backwardFlops(long tokens, int heads, int k, int v) {
        return (double) tokens * heads * (2.0 * (CHUNK + 1) * (k + v) + 10.0 * k * v);
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: BenchReport JMH_JSON PEAK_GFLOPS");
            System.exit(2);
        }
        double peak = Double.parseDouble(args[1]);
        JsonNode runs = new ObjectMapper().readTree(Path.of(args[0]).toFile());
        System.out.println("| T | K=V | impl | op | ms / call | GFLOP/s | % of FMA peak |");
        System.out.println("|---:|---:|---|---|---:|---:|---:|");
        for (JsonNode run : runs) {
            String op = run.get("benchmark").asText().replaceAll(".*\\.", "");
            JsonNode p = run.get("params");
            int t = p.get("seqLen").asInt(), dim = p.get("dim").asInt();
            double ms = run.get("primaryMetric").get("score").asDouble();
            long tokens = (long) ChunkBenchmark.B * t;
            double flops = forwardFlops(tokens, ChunkBenchmark.H, dim, dim)
                    + (op.equals("forwardBackward") ? backwardFlops(tokens, ChunkBenchmark.H, dim, dim) : 0);
            double gflops = flops / (ms * 1e6);
            System.out.printf(Locale.ROOT, "| %d | %d | %s | %s | %.2f | %.1f | %.0f%% |%n", t, dim,
                    p.get("impl").asText(), op, ms, gflops, 100 * gflops / peak);
        }
    }
}
