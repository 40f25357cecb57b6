"""Counts behind docs/matching.md, "The proof's cost is the certificate, not the optimum".

    .venv/bin/python bench/national_oracle.py [--learners 100000]

Solves the seeded national round (seed 2026) once, then starts the proof again from first
candidate graphs that already hold (a) nothing more, (b) the proved optimum's pairs, (c) an
arbitrary maximum-cardinality matching, each solved in regions (the default) and whole. Prints
the first solve's matched learners and what the proof then costs. Side by side in one process,
so the ratios hold under load; several minutes at national size.
"""

import argparse
import dataclasses
import os
import sys
import time
from pathlib import Path

import numpy as np
from ortools.graph.python import max_flow

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tandem.matching.engine import engine as E
from tandem.matching.engine.candidates import Candidates, generate_candidates
from tandem.matching.engine.encode import EncodedProblem, encode
from tandem.matching.engine.generate import generate_problem

Edges = tuple[np.ndarray, np.ndarray, np.ndarray]


def grow(enc: EncodedProblem, cands: Candidates, edges: Edges) -> Candidates:
    n = len(enc.mentors)
    learner, mentor, score = edges
    key = np.concatenate((cands.learner * n + cands.mentor, learner * n + mentor))
    _, first = np.unique(key, return_index=True)
    return dataclasses.replace(cands, learner=np.concatenate((cands.learner, learner))[first],
                               mentor=np.concatenate((cands.mentor, mentor))[first],
                               score=np.concatenate((cands.score, score))[first])


def any_maximum_matching(enc: EncodedProblem, graph: Candidates) -> Edges:
    """A maximum-cardinality matching of ``graph``, ignoring scores (OR-tools' max flow)."""
    nl, nm = len(enc.learners), len(enc.mentors)
    flow = max_flow.SimpleMaxFlow()
    source, sink = nl + nm, nl + nm + 1
    flow.add_arcs_with_capacity(np.full(nl, source), np.arange(nl), np.ones(nl, dtype=np.int64))
    arcs = flow.add_arcs_with_capacity(graph.learner, nl + graph.mentor, np.ones(len(graph), dtype=np.int64))
    flow.add_arcs_with_capacity(nl + np.arange(nm), np.full(nm, sink), enc.mentors.capacity.astype(np.int64))
    flow.solve(source, sink)
    pick = np.flatnonzero(flow.flows(arcs) > 0)
    return graph.learner[pick], graph.mentor[pick], graph.score[pick]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=100_000)
    n = parser.parse_args().learners
    problem = generate_problem(learners=n, mentors=n, seed=2026, capacity=(1, 1))
    print(f"load average {os.getloadavg()[0]:.1f}", flush=True)
    _, solution = E.solve_with_arrays(problem, validate=False)
    final, chosen = solution.candidates, solution.assignment.chosen
    optimum = (final.learner[chosen], final.mentor[chosen], final.score[chosen])
    print(f"proved optimum: {solution.assignment.matched:,} matched, score {solution.assignment.total_score:,}")
    enc = encode(problem)
    cands = generate_candidates(enc, settings=E.DEFAULT_SETTINGS, exact_bounds=True)
    cardinality = any_maximum_matching(enc, grow(enc, cands, optimum))
    whole = dataclasses.replace(E.DEFAULT_SOLVER, max_region_learners=10**9)
    print(f"{'first graph':34s} {'solver':8s} {'first':>7s} {'solve s':>8s} {'prove s':>8s} passes  pairs added")
    for name, extra in (("candidates", None), ("+ the optimum's pairs", optimum),
                        ("+ a maximum matching", cardinality)):
        for label, solver in (("regions", E.DEFAULT_SOLVER), ("whole", whole)):
            graph = cands if extra is None else grow(enc, cands, extra)
            started = time.perf_counter()
            first, regions, cut = E._assign(enc, graph, solver, repair=False)
            graph, first, regions, cut = E._free_mentors(enc, graph, first, regions, cut, solver, E.DEFAULT_PROOF)
            solved = time.perf_counter()
            _, proved, cert = E._proved(enc, graph, first, cut, E.DEFAULT_PROOF)
            assert proved.total_score == solution.assignment.total_score and cert is not None and cert.proved
            print(f"{name:34s} {label:8s} {first.matched:7,} {solved - started:8.2f} {time.perf_counter() - solved:8.2f} "
                  f"{cert.passes:6d} {cert.pairs_added:12,}", flush=True)


if __name__ == "__main__":
    main()
