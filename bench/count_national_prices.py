"""Counts behind docs/matching.md, "What the first pricing pass finds at national size".

    .venv/bin/python bench/count_national_prices.py [--learners 100000]

Solves the seeded national round (seed 2026) up to its first solve and the free mentors' pairs,
computes the least complementary prices and runs the first pricing pass, then prints how many
mentors are priced at about a whole match and how many improving pairs are worth one. Counts,
not times (a few minutes at national size).
"""

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tandem.matching.engine import engine as E
from tandem.matching.engine.candidates import UNKNOWN, generate_candidates
from tandem.matching.engine.certify import Graph, _Prover, pair_max
from tandem.matching.engine.encode import encode
from tandem.matching.engine.generate import generate_problem
from tandem.matching.engine.pricing import price


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=100_000)
    n = parser.parse_args().learners
    enc = encode(generate_problem(learners=n, mentors=n, seed=2026, capacity=(1, 1)))
    cands = generate_candidates(enc, settings=E.DEFAULT_SETTINGS, exact_bounds=True)
    first, regions, cut = E._assign(enc, cands, E.DEFAULT_SOLVER, repair=False)
    cands, assignment, _, cut = E._free_mentors(enc, cands, first, regions, cut, E.DEFAULT_SOLVER, E.DEFAULT_PROOF)
    keep = np.ones(len(cands), dtype=bool)
    keep[cut] = False
    chosen = np.zeros(len(cands), dtype=bool)
    chosen[assignment.chosen] = True
    graph = Graph(learner=cands.learner[keep], mentor=cands.mentor[keep], score=cands.score[keep],
                  chosen=chosen[keep])
    bound = np.where(cands.outside_bound == UNKNOWN, pair_max(enc), cands.outside_bound)
    np.maximum.at(bound, cands.learner[cut], cands.score[cut])
    prover = _Prover(enc, graph, E.DEFAULT_PROOF)
    state = prover.potentials()
    u, v, big = state.u, state.v, prover.big
    print(f"{assignment.matched:,} matched on {len(cands):,} edges; {state.passes} Bellman-Ford frontiers")
    print(f"mentors priced above 0: {(v > 0).sum():,}; at about a whole match: {(v >= big // 2).sum():,}")
    found = price(enc, u=u, v=v, big=big, bound=bound, learners=np.ones(prover.n_learners, dtype=bool),
                  mentors=None, settings=E.DEFAULT_PROOF.pricing, deadline=None)
    gain = big + found.score - u[found.learner] - v[found.mentor]
    print(f"first pricing pass: {found.pairs:,} priced, {found.scored:,} scored exactly, "
          f"{found.learner.size:,} improving pairs, {(gain >= big).sum():,} worth a match; "
          f"median gain {np.median(gain) / 1000:.1f} points")


if __name__ == "__main__":
    main()
