#!/usr/bin/env bash
# scripts/bench-cpu.sh — the cpu benchmark of docs/BENCHMARKS.md: the machine's fp32 FMA peak (native/bench
# cpu_peak), then JMH's ChunkBenchmark (cpu chunk vs cpu recurrent vs the pure-Java reference), then the table.
# Extra arguments go to JMH, e.g. scripts/bench-cpu.sh -p seqLen=8192 -p dim=128 -p impl=chunk
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/scripts/lib/java.sh"
cd "$root"
./mvnw -q -B -DskipTests -Dnative.asan.skip=true test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
cp="target/test-classes:target/classes:$(cat target/test-classpath.txt)"
# cpu_peak prints "... 1 thread X GFLOP/s, N threads Y GFLOP/s (...)": the peak is Y, all threads together.
peak=$(target/native/bench/cpu_peak | sed -n 's/.*, [0-9]* threads \([0-9.]*\) GFLOP.*/\1/p')
echo "fp32 FMA peak: $peak GFLOP/s"
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$cp" org.openjdk.jmh.Main ChunkBenchmark \
  -f 1 -wi 1 -i 3 -w 2s -r 3s -jvmArgs --enable-native-access=ALL-UNNAMED -rf json -rff target/jmh-cpu.json "$@"
"$JAVA_HOME/bin/java" -cp "$cp" io.github.gla4j.bench.BenchReport target/jmh-cpu.json "$peak"
