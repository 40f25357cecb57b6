"""``tandem-match``: solve a problem file, or generate a synthetic one.

    tandem-match solve problem.json [-o result.json] [--k 24]
    tandem-match generate --mentors N --learners M --seed S [-o problem.json]

Bad input prints one line naming the offending item to stderr and exits 2.
"""

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from .candidates import CandidateSettings
from .engine import solve, solve_pairs
from .errors import ProblemError
from .generate import generate_problem
from .jsonio import problem_to_dict, read_problem, result_to_dict
from .model import Problem

EXIT_BAD_INPUT = 2
_DEFAULTS = CandidateSettings()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tandem-match", description="Tandem's mentor-learner matching engine.")
    commands = parser.add_subparsers(dest="command", required=True)

    solve_cmd = commands.add_parser("solve", help="match the learners and mentors of a problem file")
    solve_cmd.add_argument("problem", help="problem JSON file (people form, or pairs form with 'edges')")
    solve_cmd.add_argument("-o", "--output", help="write the result here instead of to stdout")
    solve_cmd.add_argument("--k", type=int, default=_DEFAULTS.k, help="candidates kept per learner")
    solve_cmd.add_argument("--mentor-k", type=int, default=_DEFAULTS.mentor_k,
                           help="candidates each mentor is ensured")

    generate_cmd = commands.add_parser("generate", help="write a realistic synthetic problem")
    generate_cmd.add_argument("--mentors", type=int, required=True)
    generate_cmd.add_argument("--learners", type=int, required=True)
    generate_cmd.add_argument("--seed", type=int, default=0)
    generate_cmd.add_argument("--capacity", default="1", help="mentor capacity, a number or a range like 1-3")
    generate_cmd.add_argument("-o", "--output", help="write the problem here instead of to stdout")
    return parser


def _capacity(text: str) -> tuple[int, int]:
    low, _, high = text.partition("-")
    try:
        bounds = (int(low), int(high or low))
    except ValueError:
        raise ProblemError(f"--capacity: expected a number or a range like 1-3, got '{text}'") from None
    if not 1 <= bounds[0] <= bounds[1]:
        raise ProblemError(f"--capacity: capacities must be at least 1 and low <= high, got '{text}'")
    return bounds


def _write(data: Any, output: str | None, stdout: TextIO) -> None:
    if output is None:
        json.dump(data, stdout, ensure_ascii=False)
        stdout.write("\n")
        return
    with open(output, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False)


def _run(args: argparse.Namespace, stdout: TextIO) -> None:
    if args.command == "generate":
        if args.mentors < 0 or args.learners < 0:
            raise ProblemError("--mentors and --learners must be at least 0")
        problem = generate_problem(mentors=args.mentors, learners=args.learners, seed=args.seed,
                                   capacity=_capacity(args.capacity))
        _write(problem_to_dict(problem), args.output, stdout)
        return
    if args.k < 1 or args.mentor_k < 0:
        raise ProblemError("--k must be at least 1 and --mentor-k at least 0")
    loaded = read_problem(args.problem)
    if isinstance(loaded, Problem):
        result = solve(loaded, settings=CandidateSettings(k=args.k, mentor_k=args.mentor_k), validate=False)
    else:
        result = solve_pairs(loaded, validate=False)
    _write(result_to_dict(result), args.output, stdout)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        _run(args, sys.stdout)
    except ProblemError as error:
        print(f"tandem-match: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return 0


if __name__ == "__main__":
    sys.exit(main())
