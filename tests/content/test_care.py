"""Care (issue 25): who each prompt asks what, and what is never asked of the partner who was hurt.

The care rule runs on the shipped program and on a draft: a prompt that asks the hurt
partner, in steps 1 to 6, to say back the account, commit, imagine the other's hardship,
praise effort or share blame makes the content fail.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from trust_renewal.cli.main import main
from trust_renewal.content.loader import load_content, load_content_from
from trust_renewal.content.rules import CARE_STEPS, care_rows, program_warnings

DATA = Path(__file__).resolve().parents[2] / "lambda" / "trust_renewal" / "content" / "data" / "en"
CONTENT = load_content("en-US")


def test_every_prompt_wording_says_who_it_asks_what_and_by_which_rule() -> None:
    rows = care_rows(CONTENT)
    wordings = sum(len(p.variants) or 1 for ex in CONTENT.path for p in ex.prompts)
    assert len({r.where.split(":")[0] + ":" + r.where.split(":")[1] for r in rows}) == sum(
        len(ex.prompts) for ex in CONTENT.path
    )
    assert len(rows) >= wordings
    assert {r.who for r in rows} <= {"both", "hurt", "caused", "either"}
    assert {r.what for r in rows} <= {"speak", "listen", "think"}
    assert all(r.rule for r in rows)


def test_the_shipped_program_never_asks_the_hurt_partner_to_carry_the_other() -> None:
    assert [w for w in program_warnings(CONTENT) if w.startswith("care:")] == []


def test_the_account_of_what_was_done_is_never_said_back_by_the_hurt_partner() -> None:
    rows = {r.where: r for r in care_rows(CONTENT)}
    back = rows["acknowledge.naming-it:prompt-1:say-back"]
    assert back.who == "caused" and "only the partner who caused it" in back.rule


@pytest.mark.parametrize(
    ("exercise_id", "index", "wording", "limit"),
    [
        ("acknowledge.naming-it", 1,
         "{speaker}, tell {listener} why you want to work on this. {listener}, listen.", "commit"),
        ("empathy.trying-on", 0,
         "{speaker}, tell {listener} how you imagine the hardest part has been for them. {listener}, listen.",
         "imagine"),
        ("empathy.what-i-see", 0, "{hurt}, name one way your partner has shown effort.", "praise"),
        ("talk-and-listen.speaker-listener", 0,
         "{speaker}, tell {listener} one habit of your own to drop. {listener}, listen.", "blame"),
    ],
)  # fmt: skip
def test_a_draft_that_asks_the_hurt_partner_to_carry_the_other_fails(
    tmp_path: Path, exercise_id: str, index: int, wording: str, limit: str
) -> None:
    draft = tmp_path / "en"
    shutil.copytree(DATA, draft)
    step_file = next((draft / "steps").glob(f"*-{exercise_id.split('.')[0]}.json"))
    step = json.loads(step_file.read_text())
    exercise = next(e for e in [step.get("reflection"), *step["exercises"]] if e and e["id"] == exercise_id)
    prompt = exercise["prompts"][index]
    prompt["variants"] = [v for v in prompt.get("variants", []) if v["for"] != "hurt"]
    prompt["variants"].append({"for": "hurt", "say": wording, "card": "A card."})
    step_file.write_text(json.dumps(step))
    warnings = [w for w in program_warnings(load_content_from(draft)) if w.startswith("care:")]
    assert any(f"{exercise_id}:prompt-{index + 1}" in w and f"to {limit}" in w for w in warnings), warnings


def test_a_say_back_after_the_account_fails(tmp_path: Path) -> None:
    draft = tmp_path / "en"
    shutil.copytree(DATA, draft)
    step_file = draft / "steps" / "01-acknowledge.json"
    step = json.loads(step_file.read_text())
    naming = next(e for e in step["exercises"] if e["id"] == "acknowledge.naming-it")
    naming["prompts"][0].pop("hurt_says_back")
    step_file.write_text(json.dumps(step))
    warnings = program_warnings(load_content_from(draft))
    assert any("acknowledge.naming-it:prompt-1:say-back" in w and "paraphrase" in w for w in warnings)


def test_later_steps_may_ask_more_of_both() -> None:
    later = [r for r in care_rows(CONTENT) if r.step > CARE_STEPS and r.who in ("both", "hurt")]
    assert later and all(r.step > CARE_STEPS for r in later)


def test_the_content_report_prints_the_care_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["content", "--json"]) == 0
    care = json.loads(capsys.readouterr().out)["care"]
    row = next(r for r in care["rows"] if r["where"] == "responsibility.the-apology:prompt-1:hurt")
    assert row == {
        "where": "responsibility.the-apology:prompt-1:hurt",
        "step": 2,
        "who": "hurt",
        "what": "listen",
        "rule": "own wording for this role",
    }
    assert main(["content"]) == 0
    out = capsys.readouterr().out
    assert "Care:" in out and "acknowledge.naming-it:prompt-1:say-back" in out
