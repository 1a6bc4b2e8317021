#!/usr/bin/env bash
# scripts/gpu-bundle.sh — packs everything needed to test and benchmark gla4j on a CUDA host that has no JDK and
# no network: a jlinked Java runtime, the project's classes and test classes, their dependency jars, the JUnit
# console launcher and the native library built here (with the cuda backend, sm_90a + a portable target).
#
#   scripts/gpu-bundle.sh [OUT.tgz]         (default target/gpu-bundle.tgz; must stay well under 64 MiB)
# On the CUDA host:
#   tar xzf gpu-bundle.tgz && gpu-bundle/run-tests.sh REPORT_DIR     the JUnit suite (GPU tests included) + gla check
#   gpu-bundle/gla info                                               any gla subcommand
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/scripts/lib/java.sh"
out=${1:-$root/target/gpu-bundle.tgz}
cd "$root"

junit_console=org.junit.platform:junit-platform-console-standalone:1.14.1
./mvnw -q -B -DskipTests -Dnative.asan.skip=true package dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
./mvnw -q -B dependency:copy -Dartifact=$junit_console -DoutputDirectory=target/junit-console
lib=target/classes/native/linux-x86_64/libgla4j.so
if ! readelf -S "$lib" | grep -q nv_fatbin; then   # no GPU code embedded: CMake found no nvcc
  echo "gpu-bundle: $lib was built without the cuda backend (is nvcc found by CMake?)" >&2
  exit 1
fi

stage=target/gpu-bundle
rm -rf "$stage"
mkdir -p "$stage/lib" "$stage/native"
"$JAVA_HOME/bin/jlink" --add-modules java.base,java.logging,java.sql,jdk.unsupported \
  --strip-debug --no-header-files --no-man-pages --compress=zip-9 --output "$stage/runtime"
# The GPU suite (ffi, memory, kernels, the gla CLI) needs neither the training extras (tokenizers, plots)
# nor the fuzzing and benchmark tools: leaving them out keeps the bundle small. The classes go without the
# jar's copy of the library: the bundle loads native/libgla4j.so.
mkdir -p "$stage/classes"
(cd target/classes && tar cf - --exclude=native .) | (cd "$stage/classes" && tar xf -)
tr ':' '\n' < target/test-classpath.txt | grep -Ev '/(tokenizers|api|jazzer[^/]*|jmh-[^/]*|pdfbox|fontbox|xchart|jna|commons-[^/]*|VectorGraphics2D|graphics2d|jopt-simple)-[^/]*\.jar$' \
  | while read -r jar; do [[ -n "$jar" ]] && cp "$jar" "$stage/lib/"; done
cp target/junit-console/*.jar "$stage/junit-console.jar"
(cd target && tar cf - test-classes) | (cd "$stage" && tar xf -)
cp "$lib" "$stage/native/"
# The kernel lab (parity grid against the double reference, timing grid, a small case for compute-sanitizer) and
# the CTest program of the cuda layer ops (against the cpu backend; graphs).
cp target/native/bench/cuda/gla_cuda_lab target/native/tests/test_layers_cuda "$stage/native/"

cat > "$stage/gla" <<'SH'
#!/usr/bin/env bash
# gla — the gla4j command line from this bundle.
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/runtime/bin/java" --enable-native-access=ALL-UNNAMED -Dgla4j.library.path="$here/native/libgla4j.so" \
  -cp "$here/classes:$here/lib/*" io.github.gla4j.cli.Main "$@"
SH
cat > "$stage/run-tests.sh" <<'SH'
#!/usr/bin/env bash
# run-tests.sh [REPORT_DIR] — the GPU suite: the ffi, memory and kernels tests, CliTest, and the model, training
# and decoding tests on the native layer ops (their cuda cases run where a CUDA device is present; the fuzz tests
# and the cpu-only model/train/generate suites stay with CI), then `gla check --backend cuda`. JUnit XML reports go to REPORT_DIR (default ./junit-reports). Run it from the
# project root where tests read project files (README.md); it works from anywhere else too.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
reports=${1:-$PWD/junit-reports}
mkdir -p "$reports"
"$here/runtime/bin/java" --enable-native-access=ALL-UNNAMED -Xss4m -Dgla4j.library.path="$here/native/libgla4j.so" \
  -jar "$here/junit-console.jar" execute \
  --class-path "$here/classes:$here/test-classes:$(echo "$here"/lib/*.jar | tr ' ' ':')" \
  --select-package io.github.gla4j.ffi --select-package io.github.gla4j.memory \
  --select-package io.github.gla4j.kernels --select-class io.github.gla4j.cli.CliTest \
  --select-class io.github.gla4j.model.NativeModelTest --select-class io.github.gla4j.train.NativeTrainingTest \
  --select-class io.github.gla4j.generate.NativeDecoderTest --select-class io.github.gla4j.model.ops.DecodeLinearTest \
  --exclude-classname '.*FuzzTest' --reports-dir "$reports" --details=summary --disable-banner
tests=$?
"$here/gla" info
"$here/gla" check --backend cuda
check=$?
echo "junit exit $tests, gla check --backend cuda exit $check"
exit $(( tests != 0 || check != 0 ))
SH
chmod +x "$stage/gla" "$stage/run-tests.sh"
tar czf "$out" -C target gpu-bundle
echo "gpu-bundle: $out ($(du -h "$out" | cut -f1))"
