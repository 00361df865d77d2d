"""python3 -m moccasin_torch demo --model mlp|cnn|resnet-block|transformer-block --budget 0.6"""

import argparse
import sys

from . import models
from .solve import SolveError
from .trace import UnsupportedModel


def parser():
    p = argparse.ArgumentParser(prog="python3 -m moccasin_torch")
    sub = p.add_subparsers(dest="command", required=True)
    d = sub.add_parser(
        "demo",
        help="trace, solve and execute a small model's training step; prints one JSON line",
    )
    d.add_argument("--model", required=True, choices=sorted(models.MODELS))
    d.add_argument("--budget", type=float, default=0.6,
                   help="fraction of the unscheduled peak (resident tensors included)")
    d.add_argument("--order", default=None,
                   help="passed to moccasin as --order ORDER (e.g. free)")
    d.add_argument("--time-limit", type=float, default=5.0, help="solver time limit, seconds")
    d.add_argument("--binary", default=None,
                   help="moccasin binary (default $MOCCASIN_BINARY, else ./build/moccasin)")
    d.add_argument("--threads", type=int, default=None, help="solver threads")
    d.add_argument("--seed", type=int, default=0, help="seed for weights and data")
    d.add_argument("--cost", choices=("flops", "time"), default="flops",
                   help="node cost: estimated FLOPs (default) or measured microseconds")
    d.add_argument("--keep-files", default=None, metavar="DIR",
                   help="write graph.json and schedule.json into DIR")
    return p


def main(argv=None):
    args = parser().parse_args(argv)
    from .demo import main as demo_main

    try:
        return demo_main(args)
    except (SolveError, UnsupportedModel) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
