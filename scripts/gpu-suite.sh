#!/usr/bin/env bash
# scripts/gpu-suite.sh — what one device run records, from the project root of a CUDA host that has the GPU bundle
# (scripts/gpu-bundle.sh → target/gpu-bundle.tgz) and, for the peers, a checkout of fla (never part of gla4j):
#
#   scripts/gpu-suite.sh tests OUT            the GPU JUnit suite + gla check, the cuda layer ops against the cpu,
#                                             the kernel lab's parity grid, and compute-sanitizer memcheck and
#                                             racecheck over the lab's small cases
#   scripts/gpu-suite.sh kernels OUT [FLA]    the lab's timing grid, `gla bench kernels`, and the kernel peers
#                                             (../shared/peers/bench_peers.py, or a copy in FLA: fla, SDPA flash),
#                                             fla's autotuning compiled ahead in parallel (peers/warm_autotune.py)
#   scripts/gpu-suite.sh model OUT [FLA]      `gla bench train` (340M, 1.3B) and `gla bench generate` (340M, batch
#                                             1 and 64), then the model peers (fla GLA, Llama) in the same run
# Every step's log and JSON land in OUT; a step that fails is reported and the next one still runs.
set -uo pipefail
what=${1:?usage: gpu-suite.sh tests|kernels|model OUT [FLA_DIR]}
out=$(mkdir -p "${2:?OUT directory}" && cd "$2" && pwd)
fla=${3:-}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bundle=/tmp/gpu-bundle
[[ -x $bundle/gla ]] || tar xzf "$root/target/gpu-bundle.tgz" -C /tmp || exit 1
lab="env LD_LIBRARY_PATH=$bundle/native $bundle/native/gla_cuda_lab"
gla=$bundle/gla
peers_dir=$root/../shared/peers
[[ -f $peers_dir/bench_peers.py ]] || peers_dir=$fla   # a copy beside the fla checkout
failed=0

step() {   # step NAME SECONDS COMMAND...: runs it with a time limit, its output in OUT/NAME.log
    local name=$1 limit=$2
    shift 2
    local t0=$SECONDS
    timeout "$limit" "$@" >"$out/$name.log" 2>&1
    local rc=$?
    echo "$name: exit $rc in $((SECONDS - t0)) s"
    tail -n 4 "$out/$name.log" | sed 's/^/    /'
    ((rc == 0)) || failed=1
}

case $what in
tests)
    step junit 300 "$bundle/run-tests.sh" "$out/junit"
    (cd "$out" && tar czf junit.tgz junit && rm -rf junit)
    step layers-cuda 150 env LD_LIBRARY_PATH=$bundle/native $bundle/native/test_layers_cuda
    step lab-check 150 $lab check
    step memcheck 240 compute-sanitizer --tool memcheck --error-exitcode 1 $lab quick
    step racecheck 480 compute-sanitizer --tool racecheck --error-exitcode 1 $lab quick
    ;;
kernels)
    step lab-bench 200 $lab bench "$out/lab-bench.json"
    step gla-bench-kernels 200 "$gla" bench kernels --json "$out/gla-bench-kernels.json"
    if [[ -n $fla ]]; then   # fla's autotuning compiled in 14 processes first, then the timed run
        step kernel-peers-warm 400 env PYTHONPATH="$fla" python3 "$root/scripts/peers/warm_autotune.py" --jobs 14 \
            "$peers_dir/bench_peers.py" --out /tmp/kernel-peers-warm.json
        step kernel-peers 400 env PYTHONPATH="$fla" python3 "$peers_dir/bench_peers.py" \
            --out "$out/kernel-peers.json"
    fi
    ;;
model)
    step train-340M 240 "$gla" bench train --model 340M --json "$out/train-340M.json"
    step train-1.3B 300 "$gla" bench train --model 1.3B --steps 6 --json "$out/train-1.3B.json"
    step generate-340M-b1 200 "$gla" bench generate --model 340M --batch 1 --context 1024 4096 16384 \
        --json "$out/generate-340M-b1.json"
    step generate-340M-b64 200 "$gla" bench generate --model 340M --batch 64 --new-tokens 64 \
        --json "$out/generate-340M-b64.json"
    if [[ -n $fla ]]; then
        step model-peers 500 env PYTHONPATH="$fla" python3 "$root/scripts/peers/model_peers.py" \
            --out "$out/model-peers.json"
    fi
    ;;
*)
    echo "gpu-suite.sh: unknown part '$what' (tests, kernels or model)" >&2
    exit 2
    ;;
esac
exit $failed
