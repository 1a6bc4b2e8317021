"""Fills Triton's on-disk kernel cache before a peer benchmark is timed. fla autotunes each of its kernels over
dozens of configs, compiling them one after another on one core: several minutes for every new shape, more than
a device call's time for the two layer shapes of docs/BENCHMARKS.md. Here JOBS processes each compile (and try)
a share of every autotuner's configs at once; the timed run that follows autotunes over all of them as before,
with every config already compiled. The choices made from a share are never saved (FLA_CACHE_RESULTS=0), so
they cannot steer the timed run.

usage: python3 warm_autotune.py [--jobs N] SCRIPT [ARGS...]
SCRIPT runs with ARGS in each process (give it a scratch --out); exits non-zero if every process failed."""
import os, runpy, subprocess, sys, tempfile


def share_of_configs(index, count):
    """Each autotuner made from now on keeps configs index, index + count, ... (at least one)."""
    from triton.runtime import autotuner
    init = autotuner.Autotuner.__init__

    def init_share(self, fn, arg_names, configs, *args, **kwargs):
        share = configs[index::count] or [configs[index % len(configs)]]
        init(self, fn, arg_names, share, *args, **kwargs)

    autotuner.Autotuner.__init__ = init_share


def main():
    args = sys.argv[1:]
    jobs = 8
    if args[:1] == ["--jobs"]:
        jobs, args = int(args[1]), args[2:]
    if not args:
        sys.exit(__doc__)
    share = os.environ.get("GLA_WARM_SHARE")
    if share:  # one of the processes: index/count
        index, count = map(int, share.split("/"))
        share_of_configs(index, count)
        sys.argv = args
        runpy.run_path(args[0], run_name="__main__")
        return
    env = dict(os.environ, FLA_CACHE_RESULTS="0")
    logs = [tempfile.TemporaryFile("w+") for _ in range(jobs)]  # files, not pipes: no process waits on a reader
    procs = [subprocess.Popen([sys.executable, __file__] + args, env=dict(env, GLA_WARM_SHARE=f"{i}/{jobs}"),
                              stdout=subprocess.DEVNULL, stderr=logs[i], text=True) for i in range(jobs)]
    failed = 0
    for i, p in enumerate(procs):
        if p.wait() != 0:
            failed += 1
            logs[i].seek(0)
            print(f"warm_autotune: share {i}/{jobs} exited {p.returncode}: {logs[i].read().strip()[-500:]}",
                  file=sys.stderr)
    print(f"warm_autotune: {jobs - failed} of {jobs} shares done")
    sys.exit(1 if failed == jobs else 0)


if __name__ == "__main__":
    main()
