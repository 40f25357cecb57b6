"""Benchmark of the matching engine, with its baselines side by side in one run.

    .venv/bin/python bench/bench_engine.py            # 1k, 10k, 100k and a capacities variant
    .venv/bin/python bench/bench_engine.py --quick    # small sizes, a minute

Every instance is a seeded synthetic national round (``generate_problem``),
written to JSON once. Each measurement then runs in its own process, so that
its peak memory is its own: peak RSS from ``getrusage`` (the whole process,
Python and libraries included; more honest than tracemalloc, which sees only
Python allocations).

Per instance it prints the engine's stages, and against the same instance and
the same pair scores:
- the dense route: every pair scored into a matrix, ``linear_sum_assignment``
  (up to 10,000 learners: the matrix is n x capacity);
- greedy, best pairs first (one shared score: it is a stable matching);
- floors: reading the input, one vectorised pass over the candidate edges,
  sorting them, so the engine's time reads as a multiple of unavoidable work;
- at national size, the cost of sparsifying: our optimum against the optimum
  on the exact top-k candidate graph (every pair in range scored).
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tandem.matching.engine.candidates import CandidateSettings  # noqa: E402
from tandem.matching.engine.encode import encode  # noqa: E402
from tandem.matching.engine.engine import solve_with_arrays  # noqa: E402
from tandem.matching.engine.generate import generate_problem, generate_tied_problem  # noqa: E402
from tandem.matching.engine.jsonio import problem_to_dict, read_problem  # noqa: E402
from tandem.matching.engine.model import Problem  # noqa: E402
from tandem.matching.engine.scoring import SCALE, score_pairs  # noqa: E402

SEED = 2026
DENSE_LIMIT = 10_000


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def worker_peak_mib() -> float:
    """Largest peak RSS of a forked solver worker (it counts pages shared with the parent)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0


def _load(path: str) -> Problem:
    problem = read_problem(path)
    assert isinstance(problem, Problem)
    return problem


# ---------------------------------------------------------------- child jobs


def job_sparse(path: str) -> dict[str, Any]:
    """The engine without its proof: the optimum on the candidate graph only."""
    return job_engine(path, proof=False)


def job_engine(path: str, proof: bool = True) -> dict[str, Any]:
    started = time.perf_counter()
    problem = _load(path)
    read_s = time.perf_counter() - started
    if proof:
        result, solution = solve_with_arrays(problem, validate=True)
    else:
        result, solution = solve_with_arrays(problem, validate=True, proof=None)
    certificate = result.certificate
    stats = result.statistics
    cand = solution.candidates
    # Floors: one vectorised pass over the candidate edges, and sorting them.
    clock = time.perf_counter()
    (cand.score * 3 + cand.learner).sum()
    pass_s = time.perf_counter() - clock
    clock = time.perf_counter()
    np.lexsort((-cand.score, cand.learner))
    sort_s = time.perf_counter() - clock
    np.savez(path + ".edges.npz", learner=cand.learner, mentor=cand.mentor, score=cand.score,
             capacity=solution.encoded.mentors.capacity)
    return {
        "read": read_s, "encode": stats.encode_seconds, "candidates": stats.candidates_seconds,
        "solve": stats.solve_seconds, "explain": stats.explain_seconds, "total": stats.total_seconds,
        "edges": stats.candidate_edges, "scored": stats.pairs_scored, "exhaustive": stats.exhaustive,
        "matched": result.matched, "score": round(result.total_score * SCALE), "pass": pass_s, "sort": sort_s,
        "peak": peak_mib(), "worker_peak": worker_peak_mib(),
        "explained": len(result.pairs) + len(result.unmatched),
        "regions": stats.regions, "cut": stats.cut_edges, "prove": stats.prove_seconds,
        "proved": bool(certificate and certificate.proved),
        "passes": certificate.passes if certificate else 0,
        "priced": certificate.pairs_priced if certificate else 0,
        "scored_exactly": certificate.pairs_scored if certificate else 0,
        "added": certificate.pairs_added if certificate else 0,
        "windows": certificate.windows if certificate else 0,
        "taken_reasons": sum(1 for u in result.unmatched if u.reason == "taken"),
    }


def _dense_scores(problem: Problem) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every learner x mentor pair scored by the engine's own scorer, row block by row block."""
    enc = encode(problem)
    n_l, n_m = len(enc.learners), len(enc.mentors)
    score = np.empty((n_l, n_m), dtype=np.int64)
    feasible = np.empty((n_l, n_m), dtype=bool)
    mentors = np.arange(n_m)[None, :]
    for start in range(0, n_l, 256):
        rows = np.arange(start, min(start + 256, n_l))[:, None]
        score[start : start + 256], feasible[start : start + 256] = score_pairs(enc, rows, mentors)
    return score, feasible, enc.mentors.capacity


def job_dense(path: str) -> dict[str, Any]:
    from scipy.optimize import linear_sum_assignment

    problem = _load(path)
    clock = time.perf_counter()
    score, feasible, capacity = _dense_scores(problem)
    # Lexicographic objective by a big constant above any total: a feasible pair
    # is worth BIG + score; infeasible ones are worth 0 and read as unmatched.
    big = float(np.abs(score).sum() + 1)
    columns = np.repeat(np.arange(score.shape[1]), capacity)
    value = np.where(feasible, score + big, 0.0)
    if columns.size != score.shape[1]:
        value = value[:, columns]
    build_s = time.perf_counter() - clock
    clock = time.perf_counter()
    rows, cols = linear_sum_assignment(value, maximize=True)
    solve_s = time.perf_counter() - clock
    real = feasible[rows, columns[cols]]
    greedy = _greedy(score, feasible, capacity)
    return {
        "build": build_s, "solve": solve_s, "matched": int(real.sum()),
        "score": int(score[rows[real], columns[cols[real]]].sum()), "peak": peak_mib(),
        "feasible_pairs": int(feasible.sum()), **greedy,
    }


def _greedy_edges(learner: np.ndarray, mentor: np.ndarray, score: np.ndarray,
                  capacity: np.ndarray) -> dict[str, Any]:
    """Best pairs first; ties by learner then mentor index."""
    clock = time.perf_counter()
    order = np.lexsort((mentor, learner, -score))
    left = capacity.astype(np.int64).copy()
    taken = np.zeros(int(learner.max()) + 1 if learner.size else 0, dtype=bool)
    matched, total = 0, 0
    for i, j, s in zip(learner[order].tolist(), mentor[order].tolist(), score[order].tolist(), strict=True):
        if taken[i] or left[j] == 0:
            continue
        taken[i] = True
        left[j] -= 1
        matched += 1
        total += s
    return {"greedy_matched": matched, "greedy_score": total, "greedy_s": time.perf_counter() - clock}


def _greedy(score: np.ndarray, feasible: np.ndarray, capacity: np.ndarray) -> dict[str, Any]:
    learner, mentor = np.nonzero(feasible)
    return _greedy_edges(learner, mentor, score[learner, mentor], capacity)


def job_greedy_candidates(path: str) -> dict[str, Any]:
    edges = np.load(path + ".edges.npz")
    return _greedy_edges(edges["learner"], edges["mentor"], edges["score"], edges["capacity"])


def job_exact_topk(path: str) -> dict[str, Any]:
    """Optimum on the exact top-k graph: every pair within the limits scored."""
    problem = _load(path)
    settings = CandidateSettings(exhaustive_pairs=10**12)
    clock = time.perf_counter()
    _, solution = solve_with_arrays(problem, settings=settings, validate=False, proof=None)
    return {"matched": solution.assignment.matched, "score": solution.assignment.total_score,
            "edges": len(solution.candidates), "scored": solution.candidates.pool_pairs,
            "seconds": time.perf_counter() - clock, "peak": peak_mib()}


JOBS = {"engine": job_engine, "sparse": job_sparse, "dense": job_dense, "greedy": job_greedy_candidates,
        "topk": job_exact_topk}


def _pss_kib(pid: int) -> int:
    """Proportional set size of one process: shared pages split between their users."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
            return next((int(line.split()[1]) for line in handle if line.startswith("Pss:")), 0)
    except OSError:
        return 0


def _tree_pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as handle:
            children = [int(c) for c in handle.read().split()]
    except OSError:
        children = []
    return _pss_kib(pid) + sum(_tree_pss_kib(child) for child in children)


def run_child(job: str, path: str, timeout: float = 900) -> dict[str, Any]:
    """Run one job in its own process; also samples the PSS of its process tree (Linux)."""
    with subprocess.Popen([sys.executable, __file__, "--child", job, path], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True) as child:
        started, tree_peak = time.monotonic(), 0
        while child.poll() is None:
            tree_peak = max(tree_peak, _tree_pss_kib(child.pid))
            if time.monotonic() - started > timeout:
                child.kill()
            time.sleep(0.25)
        out, err = child.communicate()
    if child.returncode != 0:
        raise RuntimeError(f"{job} on {path} failed:\n{err}")
    result = json.loads(out.strip().splitlines()[-1])
    result["tree_pss"] = tree_peak / 1024.0
    return result


# ---------------------------------------------------------------- the run


def write_instance(folder: Path, learners: int, mentors: int, capacity: tuple[int, int], tied: bool = False) -> str:
    make = generate_tied_problem if tied else generate_problem
    problem = make(learners=learners, mentors=mentors, seed=SEED, capacity=capacity)
    path = folder / f"round-{learners}-{mentors}-{capacity[1]}{'-tied' if tied else ''}.json"
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(problem_to_dict(problem), handle)
    return str(path)


def pct(ours: float, theirs: float) -> float:
    return 100.0 * (ours - theirs) / theirs if theirs else 0.0


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def label(n: int) -> str:
    return f"{n / 1000:g}k" if n >= 1000 else str(n)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="1,000 and 3,000 learners only")
    parser.add_argument("--no-topk", action="store_true", help="skip the exact top-k reference at national size")
    parser.add_argument("--no-tied", action="store_true", help="skip the tie-heavy rounds against the dense optimum")
    parser.add_argument("--child", nargs=2, metavar=("JOB", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(JOBS[args.child[0]](args.child[1])))
        return 0

    sizes = [(1000, 1000, (1, 1)), (3000, 3000, (1, 1)), (3000, 1500, (1, 3))] if args.quick else [
        (1000, 1000, (1, 1)), (10_000, 10_000, (1, 1)), (100_000, 100_000, (1, 1)),
        (1000, 500, (1, 3)), (10_000, 5000, (1, 3)),
    ]
    print(f"Tandem matching engine benchmark - seed {SEED}, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f} at start")
    print("Times in seconds, peak = peak RSS of the measuring process (getrusage), MiB.\n")
    header = (f"{'instance':<22}{'read':>6}{'encode':>7}{'cands':>7}{'solve':>7}{'prove':>7}{'explain':>8}"
              f"{'total':>7}{'peak':>7}{'edges':>10}{'matched':>9}{'score':>13}")
    print(header)
    print("-" * len(header))
    rows = []
    tied_rows = []
    with tempfile.TemporaryDirectory() as folder:
        for learners, mentors, capacity in sizes:
            path = write_instance(Path(folder), learners, mentors, capacity)
            name = f"{label(learners)} x {label(mentors)}" + (" cap 1-3" if capacity[1] > 1 else "")
            ours = run_child("engine", path, timeout=3600)
            print(f"{name:<22}{ours['read']:>6.2f}{ours['encode']:>7.2f}{ours['candidates']:>7.2f}"
                  f"{ours['solve']:>7.2f}{ours['prove']:>7.2f}{ours['explain']:>8.2f}{ours['total']:>7.2f}"
                  f"{ours['peak']:>7.0f}{ours['edges']:>10,}{ours['matched']:>9,}{ours['score'] / SCALE:>13,.1f}",
                  flush=True)
            extra: dict[str, Any] = {"sparse": run_child("sparse", path)}
            if learners <= DENSE_LIMIT:
                extra["dense"] = run_child("dense", path)
            else:
                extra["greedy"] = run_child("greedy", path)
                if not args.no_topk:
                    extra["topk"] = run_child("topk", path, timeout=1800)
            rows.append((name, learners, ours, extra))
        if not args.no_tied:
            for learners in ([1000, 2000] if args.quick else [1000, 4000, 10_000]):
                path = write_instance(Path(folder), learners, learners // 2, (1, 3), tied=True)
                tied_rows.append((learners, run_child("engine", path), run_child("sparse", path),
                                  run_child("dense", path)))
    report(rows)
    report_tied(tied_rows)
    return 0


def report_tied(rows: list[tuple[int, dict[str, Any], dict[str, Any], dict[str, Any]]]) -> None:
    if not rows:
        return
    print("\nTie-heavy rounds (4 towns, 2 languages, 3 fields, capacities 1-3, 2% of learners nobody can take,")
    print("2% of pairs excluded; mentors = learners / 2) against the exact dense optimum (linear_sum_assignment")
    print("over mentor seats, same scores). Gap = dense optimum minus ours, in learners and in score:")
    def gap(run: dict[str, Any], dense: dict[str, Any]) -> str:
        score_gap = 100.0 * (dense["score"] - run["score"]) / max(dense["score"], 1)
        return f"{dense['matched'] - run['matched']} learners, {score_gap:.3f}%"

    for learners, ours, sparse, dense in rows:
        exact = ours["matched"] == dense["matched"] and ours["score"] == dense["score"]
        print(f"  {label(learners):>4} learners: dense {dense['matched']:,} matched, score {dense['score'] / SCALE:,.1f}"
              f" ({dense['build'] + dense['solve']:.1f} s, {dense['peak']:.0f} MiB);"
              f" candidate graph alone: gap {gap(sparse, dense)} ({sparse['total']:.2f} s);"
              f" default mode: gap {gap(ours, dense)} [{'PASS' if exact else 'FAIL'}] ({ours['total']:.2f} s,"
              f" {ours['passes']} pricing passes, {ours['added']:,} pairs added,"
              f" {'optimal: proved' if ours['proved'] else 'not proved'})")


def report(rows: list[tuple[str, int, dict[str, Any], dict[str, Any]]]) -> None:
    print("\nFloors (same process, same instance): read = parsing the JSON input; pass = one vectorised")
    print("pass over the candidate edges; sort = sorting them by learner and score.")
    for name, _, ours, _ in rows:
        engine = ours["candidates"] + ours["solve"] + ours["prove"] + ours["explain"]
        print(f"  {name:<20} read {ours['read']:.2f} s, pass {ours['pass'] * 1000:.1f} ms, sort {ours['sort'] * 1000:.0f} ms"
              f" -> engine = {engine / max(ours['read'], 1e-9):.1f}x reading the input,"
              f" {engine / max(ours['sort'], 1e-9):.0f}x sorting the edges")

    print("\nAgainst scipy.optimize.linear_sum_assignment on the dense matrix of all pairs (same scores):")
    for name, learners, ours, extra in rows:
        dense = extra.get("dense")
        if dense is None:
            continue
        dense_total = dense["build"] + dense["solve"]
        speedup = dense_total / ours["total"]
        exact = ours["score"] == dense["score"] and ours["matched"] == dense["matched"]
        sparse = extra["sparse"]
        line = (f"  {name:<20} dense {dense['build']:.2f} s build + {dense['solve']:.2f} s solve = {dense_total:.2f} s,"
                f" {dense['peak']:.0f} MiB; ours {ours['total']:.2f} s -> speed-up {speedup:.1f}x;"
                f" ours equals the optimum [{verdict(exact)}] (candidate graph alone: score"
                f" {pct(sparse['score'], dense['score']):+.4f}%, matched {pct(sparse['matched'], dense['matched']):+.3f}%)")
        if learners == 10_000:
            line += f"; speed-up target 15x [{verdict(speedup >= 15)}]"
        print(line)

    print("\nThe certificate's cost: the same round with the proof (every pair within the distance limit priced")
    print("against the dual potentials, improving pairs added and re-solved until none is left) and without it:")
    for name, _learners, ours, extra in rows:
        sparse = extra["sparse"]
        print(f"  {name:<20} with {ours['total']:.2f} s, without {sparse['total']:.2f} s (proof {ours['prove']:.2f} s,"
              f" x{ours['total'] / max(sparse['total'], 1e-9):.2f}); peak {ours['peak']:.0f} vs {sparse['peak']:.0f} MiB;"
              f" {'optimal: proved' if ours['proved'] else 'NOT proved'} in {ours['passes']} pricing passes,"
              f" {ours['priced']:,} pairs priced ({ours['scored_exactly']:,} scored exactly), {ours['added']:,} pairs"
              f" added, {ours['windows']} windows re-solved; gained {ours['matched'] - sparse['matched']:+,} learners,"
              f" score {pct(ours['score'], sparse['score']):+.4f}%")

    print("\nGreedy baseline (best pairs first), and what it loses against ours:")
    for name, learners, ours, extra in rows:
        greedy = extra.get("dense") or extra.get("greedy")
        if greedy is None:
            continue
        where = ("all feasible pairs" if "dense" in extra
                 else "our candidate graph (too large for all pairs; sparse, so greedy's loss is overstated)")
        score_gain = pct(ours["score"], greedy["greedy_score"])
        lost_pairs = pct(greedy["greedy_matched"], ours["matched"])
        line = (f"  {name:<20} greedy on {where}: {greedy['greedy_matched']:,} matched, score"
                f" {greedy['greedy_score'] / SCALE:,.1f} -> greedy loses {-pct(greedy['greedy_score'], ours['score']):.2f}% of"
                f" the score and {-lost_pairs:.2f}% of the pairs; ours scores {score_gain:+.2f}%")
        if learners == 10_000:
            line += (f" [at least +2%: {verdict(score_gain >= 2)}; matches at least as many:"
                     f" {verdict(ours['matched'] >= greedy['greedy_matched'])}]")
        print(line)

    for name, learners, ours, extra in rows:
        if learners < 100_000:
            continue
        print(f"\nNational round {name}:")
        print(f"  end-to-end (encode, candidates, solve, proof, explanations) {ours['total']:.2f} s,"
              f" {'optimal: proved' if ours['proved'] else 'NOT proved'} [proved in under 10 s:"
              f" {verdict(ours['proved'] and ours['total'] < 10)}]")
        memory = max(ours["peak"], ours["tree_pss"])
        print(f"  memory: peak RSS of the engine process {ours['peak']:.0f} MiB; with its 2 forked solver workers"
              f" (each {ours['worker_peak']:.0f} MiB RSS, mostly pages shared with the parent) the whole process"
              f" tree peaked at {ours['tree_pss']:.0f} MiB PSS (sampled every 0.25 s) [under 2 GiB: {verdict(memory < 2048)}]")
        print(f"  solved in {ours['regions']} regions; {ours['cut']:,} candidate edges cut between them"
              f" (priced and re-solved like any other pair)")
        print(f"  pairs scored {ours['scored']:,} (exhaustive: {ours['exhaustive']}), candidate edges {ours['edges']:,},"
              f" every pair and unmatched learner explained: {ours['explained']:,}")
        topk = extra.get("topk")
        if topk:
            sparse = extra["sparse"]
            print(f"  without the proof: the pooled candidate graph {sparse['matched']:,} matched, score"
                  f" {sparse['score'] / SCALE:,.1f} ({sparse['total']:.1f} s); the exact top-k graph ({topk['scored']:,}"
                  f" pairs scored, {topk['edges']:,} edges, {topk['seconds']:.1f} s, {topk['peak']:.0f} MiB) {topk['matched']:,}"
                  f" matched, score {topk['score'] / SCALE:,.1f}; the proved optimum: {ours['matched'] - topk['matched']:+,}"
                  f" learners and {pct(ours['score'], topk['score']):+.4f}% score over the exact top-k graph")


if __name__ == "__main__":
    sys.exit(main())
