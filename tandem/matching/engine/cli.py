"""``tandem-match``: solve a problem file, or generate a synthetic one.

    tandem-match solve problem.json [-o result.json] [--k 24] [--prove-seconds S | --no-proof]
    tandem-match generate --mentors N --learners M --seed S [--tied] [-o problem.json]

Bad input — a broken file, an impossible value, a bad option, an output
folder that does not exist — prints one line naming what is wrong to stderr
and exits 2, before any solving starts.
"""

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

from .candidates import CandidateSettings
from .certify import ProofSettings
from .engine import solve, solve_pairs
from .errors import ProblemError
from .generate import generate_problem, generate_tied_problem
from .jsonio import problem_to_dict, read_problem, result_to_dict
from .model import Problem

EXIT_BAD_INPUT = 2
MAX_GENERATED = 10_000_000
_DEFAULTS = CandidateSettings()


class _Parser(argparse.ArgumentParser):
    """Argument errors are one line, like every other bad input (not a usage dump)."""

    def error(self, message: str) -> NoReturn:
        raise ProblemError(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="tandem-match", description="Tandem's mentor-learner matching engine.")
    commands = parser.add_subparsers(dest="command", required=True)

    solve_cmd = commands.add_parser("solve", help="match the learners and mentors of a problem file")
    solve_cmd.add_argument("problem", help="problem JSON file (people form, or pairs form with 'edges')")
    solve_cmd.add_argument("-o", "--output", help="write the result here instead of to stdout")
    solve_cmd.add_argument("--k", type=int, default=_DEFAULTS.k, help="candidates kept per learner")
    solve_cmd.add_argument("--mentor-k", type=int, default=_DEFAULTS.mentor_k,
                           help="candidates each mentor is ensured")
    proof = solve_cmd.add_mutually_exclusive_group()
    proof.add_argument("--prove-seconds", type=float, default=None,
                       help="stop proving optimality after this many seconds (default: until proved)")
    proof.add_argument("--no-proof", action="store_true",
                       help="optimal on the candidate graph only, without pricing every feasible pair")

    generate_cmd = commands.add_parser("generate", help="write a realistic synthetic problem")
    generate_cmd.add_argument("--mentors", type=int, required=True)
    generate_cmd.add_argument("--learners", type=int, required=True)
    generate_cmd.add_argument("--seed", type=int, default=0)
    generate_cmd.add_argument("--capacity", default="1", help="mentor capacity, a number or a range like 1-3")
    generate_cmd.add_argument("--tied", action="store_true",
                              help="a tie-heavy round: few towns, few languages, learners nobody can take")
    generate_cmd.add_argument("-o", "--output", help="write the problem here instead of to stdout")
    return parser


def _capacity(text: str) -> tuple[int, int]:
    low, _, high = text.partition("-")
    try:
        bounds = (int(low), int(high or low))
    except ValueError:
        raise ProblemError(f"--capacity: expected a number or a range like 1-3, got '{text[:40]}'") from None
    if not 1 <= bounds[0] <= bounds[1] <= 1000:
        raise ProblemError(f"--capacity: capacities must be between 1 and 1,000 and low <= high, got '{text}'")
    return bounds


def _check_output(output: str | None) -> None:
    """Refuse an output path that cannot be written, before any work is done."""
    if output is None:
        return
    path = Path(output)
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise ProblemError(f"-o {output}: is a folder, not a file")
    if not folder.is_dir():
        raise ProblemError(f"-o {output}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise ProblemError(f"-o {output}: not allowed to write there")


def _write(data: Any, output: str | None, stdout: TextIO) -> None:
    if output is None:
        json.dump(data, stdout, ensure_ascii=False)
        stdout.write("\n")
        return
    try:
        with open(output, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False)
    except OSError as error:
        raise ProblemError(f"-o {output}: cannot write ({error.strerror})") from None


def _run(args: argparse.Namespace, stdout: TextIO) -> None:
    _check_output(args.output)
    if args.command == "generate":
        if not (0 <= args.mentors <= MAX_GENERATED and 0 <= args.learners <= MAX_GENERATED):
            raise ProblemError(f"--mentors and --learners must be between 0 and {MAX_GENERATED:,}")
        make = generate_tied_problem if args.tied else generate_problem
        problem = make(mentors=args.mentors, learners=args.learners, seed=args.seed, capacity=_capacity(args.capacity))
        _write(problem_to_dict(problem), args.output, stdout)
        return
    if not (1 <= args.k <= 100_000 and 0 <= args.mentor_k <= 100_000):
        raise ProblemError("--k must be between 1 and 100,000 and --mentor-k between 0 and 100,000")
    if args.prove_seconds is not None and not args.prove_seconds > 0:
        raise ProblemError("--prove-seconds must be a positive number of seconds")
    loaded = read_problem(args.problem)
    if isinstance(loaded, Problem):
        proof = None if args.no_proof else ProofSettings(seconds=args.prove_seconds)
        result = solve(loaded, settings=CandidateSettings(k=args.k, mentor_k=args.mentor_k), proof=proof,
                       validate=False)
    else:
        result = solve_pairs(loaded, validate=False)
    _write(result_to_dict(result), args.output, stdout)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
        _run(args, sys.stdout)
    except ProblemError as error:
        print(f"tandem-match: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return 0


if __name__ == "__main__":
    sys.exit(main())
