/*
 * BenchReport.java — turns the JMH JSON of ChunkBenchmark into the markdown table of docs/BENCHMARKS.md: time per
 * call, GFLOP/s and the fraction of the measured fp32 FMA peak.
 * Run by scripts/bench-cpu.sh: java ... io.github.gla4j.bench.BenchReport target/jmh-cpu.json PEAK_GFLOPS
 *
 * FLOPs are those of the chunk algorithm (chunk C = 64; matmul work only, causal blocks at half; the convention of
 * native/bench/cpu_chunk_bench.c), per token and head, whatever implementation ran, so that every row's GFLOP/s
 * compares as a time ratio:
 *   forward:  4KV + C(K+V)      backward: 10KV + C(3K+2V)
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
        return (double) tokens * heads * (4.0 * k * v + (double) CHUNK * (k + v));
    }

    static double backwardFlops(long tokens, int heads, int k, int v) {
        return (double) tokens * heads * (10.0 * k * v + (double) CHUNK * (3 * k + 2 * v));
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
