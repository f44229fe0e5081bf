"""`zgscaffold update` reports the checker's findings on the updated Space as notes."""

from space_fixtures import make_space

from zgscaffold.update import run_checks


def test_findings_become_notes_named_inside_the_space(tmp_path) -> None:
    space = make_space(tmp_path, {"requirements.txt": "spaces\n"})
    notes = run_checks(space)
    assert notes[0].startswith("requirements.txt:1:1: ZG103 (error) ")
    assert "zgscaffold check" in notes[-1] and len(notes) == 2


def test_a_clean_space_gives_no_notes(tmp_path) -> None:
    assert run_checks(make_space(tmp_path)) == []
