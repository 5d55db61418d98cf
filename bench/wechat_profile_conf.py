"""gunicorn config for `bench/wechat_load.py --profile`: cProfile in each worker, stats written when it stops.

Each worker profiles from the moment it forks until it exits and writes wechat_worker_<pid>.prof into
WECHAT_BENCH_PROFILE_DIR; the load script prints the top functions of the merged stats. The clock is the
worker's CPU time (WECHAT_BENCH_PROFILE_CLOCK=cpu, the default: where the cores go) or wall time (=wall:
where a request waits, e.g. for a lock).
Profiling slows the workers down: figures from a --profile run are for reading the profile only.
"""

import cProfile
import os
import runpy
import time
from pathlib import Path

if os.environ.get("WECHAT_BENCH_SERVER") == "deploy":  # the production settings, with these hooks added
    globals().update({k: v for k, v in runpy.run_path(str(Path(__file__).resolve().parents[1] / "deploy" /
                                                          "gunicorn.conf.py")).items() if not k.startswith("__")})

PROFILE_DIR = Path(os.environ.get("WECHAT_BENCH_PROFILE_DIR", Path(__file__).resolve().parent / "results"))


def post_fork(server, worker):
    clock = os.environ.get("WECHAT_BENCH_PROFILE_CLOCK", "cpu")
    worker.bench_profile = cProfile.Profile(time.process_time) if clock == "cpu" else cProfile.Profile()
    worker.bench_profile.enable()


def worker_exit(server, worker):
    profile = getattr(worker, "bench_profile", None)
    if profile is not None:
        profile.disable()
        PROFILE_DIR.mkdir(parents=True, exist_ok=True)
        profile.dump_stats(str(PROFILE_DIR / f"wechat_worker_{os.getpid()}.prof"))
