"""The command line: generate, solve, and one clear line for bad input."""

import json

import pytest

from tandem.matching.engine.cli import main
from tandem.matching.engine.generate import generate_problem
from tandem.matching.engine.jsonio import problem_from_dict, problem_to_dict


@pytest.fixture
def problem_file(tmp_path):
    path = tmp_path / "problem.json"
    assert main(["generate", "--mentors", "60", "--learners", "80", "--seed", "4", "--capacity", "1-3",
                 "-o", str(path)]) == 0
    return path


def test_generate_then_solve_writes_pairs_reasons_and_statistics(problem_file, tmp_path):
    out = tmp_path / "result.json"
    assert main(["solve", str(problem_file), "-o", str(out)]) == 0
    result = json.loads(out.read_text())
    assert result["matched"] == len(result["pairs"]) > 0
    assert len(result["pairs"]) + len(result["unmatched"]) == 80
    assert all(pair["explanation"] and pair["items"] for pair in result["pairs"])
    assert result["unmatched"] and all(u["text"] for u in result["unmatched"])
    assert result["statistics"]["solver_status"] == "OPTIMAL"


def test_generation_is_deterministic_and_round_trips_through_json():
    first = generate_problem(mentors=50, learners=50, seed=9)
    assert first == generate_problem(mentors=50, learners=50, seed=9)
    assert problem_from_dict(json.loads(json.dumps(problem_to_dict(first)))) == first


def test_pairs_form_is_solved_from_the_command_line(tmp_path, capsys):
    path = tmp_path / "pairs.json"
    path.write_text(json.dumps({"edges": [["a", "x", 2], ["a", "y", 1], ["b", "x", 1.5]], "capacities": {"x": 1}}))
    assert main(["solve", str(path)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert {(p["learner"], p["mentor"]) for p in result["pairs"]} == {("a", "y"), ("b", "x")}


def _mutated(problem_file, tmp_path, change):
    data = json.loads(problem_file.read_text())
    change(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["mentors"][3].update(lattitude=1.0), "mentors[3] (mentor 'M04'): unknown field 'lattitude'"),
    (lambda d: d["mentors"][3].update(languages=5),
     "mentors[3].languages (mentor 'M04'): expected a list of strings, got int"),
    (lambda d: d["learners"][2].update(id="L02"), "learner id 'L02' appears twice"),
    (lambda d: d["mentors"][5].update(capacity=-2), "mentor 'M06': capacity must be at least 1, got -2"),
    (lambda d: d["learners"][0].update(availability=["monday"]),
     "learner 'L01': unknown availability slot 'monday' (expected e.g. 'tue-evening')"),
    (lambda d: d.update(learnerz=[]), "problem: unknown field 'learnerz'"),
    (lambda d: d["criteria"]["limits"].update(max_distance_km="far"),
     "criteria.limits.max_distance_km: expected a number, got str"),
])
def test_bad_input_is_one_clear_line_and_exit_2(problem_file, tmp_path, capsys, change, message):
    assert main(["solve", str(_mutated(problem_file, tmp_path, change))]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1


def test_a_file_that_is_not_json_is_reported(tmp_path, capsys):
    path = tmp_path / "x.json"
    path.write_text("{not json")
    assert main(["solve", str(path)]) == 2
    assert "not valid JSON" in capsys.readouterr().err


def _problem_with(tmp_path, text: str | bytes):
    path = tmp_path / "problem.json"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


MENTOR = '{"id": "M1", "latitude": 50.85, "longitude": 4.35, "capacity": %s}'


@pytest.mark.parametrize(("content", "args", "message"), [
    ('{"mentors": [%s], "learners": []}' % (MENTOR % "1000000000000"), [],
     "mentor 'M1': capacity must be at most 1,000,000, got 1,000,000,000,000"),
    ('{"mentors": [%s], "learners": []}' % (MENTOR % ("7" * 5001)), [],
     "a number with 5,001 digits (at most 30)"),
    (b'{"mentors": [], "learners": [{"id": "L\xff"}]}', [], "not UTF-8 text (byte 0xff at position 38)"),
    ("[" * 100_000 + "]" * 100_000, [], "not valid JSON (nested too deeply)"),
    ('{"mentors": [], "learners": []}', ["-o", "missing-folder/result.json"],
     "-o missing-folder/result.json: the folder missing-folder does not exist"),
    ('{"mentors": [], "learners": []}', ["--k", "abc"], "argument --k: invalid int value: 'abc'"),
    ('{"learners": []}', [], "problem: missing field 'mentors'"),
    ("{}", [], "problem: missing field 'mentors'"),
    ('{"mentors": []}', [], "problem: missing field 'learners'"),
    ('{"mentors": [], "learners": [], "criteria": {"limits": {"min_shared_slots": 1000000000000}}}', [],
     "criteria.limits.min_shared_slots: must be between 0 and 21, got 1000000000000"),
    ('{"mentors": [], "learners": []}', ["--prove-seconds", "-1"], "--prove-seconds must be a positive number"),
    ('[1, 2]', [], "problem: expected a JSON object, got list"),
])
def test_every_bad_input_is_one_line_and_exit_2(tmp_path, capsys, monkeypatch, content, args, message):
    monkeypatch.chdir(tmp_path)
    path = _problem_with(tmp_path, content)
    assert main(["solve", str(path), *args]) == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert captured.err.count("\n") == 1 and captured.err.startswith("tandem-match: ")
    assert "Traceback" not in captured.err and captured.out == ""


def test_the_output_folder_is_checked_before_solving(tmp_path, capsys, monkeypatch):
    import tandem.matching.engine.cli as cli

    def fail(*args, **kwargs):  # pragma: no cover - must not be reached
        raise AssertionError("solved before checking the output")

    monkeypatch.setattr(cli, "read_problem", fail)
    assert main(["solve", str(tmp_path / "x.json"), "-o", str(tmp_path / "nope" / "r.json")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_bad_generate_options_are_one_line(capsys):
    assert main(["generate", "--mentors", "1000000000000", "--learners", "1"]) == 2
    assert main(["generate", "--mentors", "x", "--learners", "1"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == ["tandem-match: --mentors and --learners must be between 0 and 10,000,000",
                   "tandem-match: argument --mentors: invalid int value: 'x'"]


def test_the_result_carries_the_certificate(problem_file, tmp_path):
    out = tmp_path / "result.json"
    assert main(["solve", str(problem_file), "-o", str(out)]) == 0
    certificate = json.loads(out.read_text())["certificate"]
    assert certificate["proved"] is True and certificate["status"] == "optimal: proved"
    assert certificate["pairs_priced"] > 0
    assert main(["solve", str(problem_file), "-o", str(out), "--no-proof"]) == 0
    assert json.loads(out.read_text())["certificate"] is None
