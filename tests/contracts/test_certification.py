"""``trust-renewal package --check``: passes on the real package, names each thing certification rejects."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from trust_renewal.cli import package
from trust_renewal.cli.certification import POLICY_PLACEHOLDER, check_package, png_size, suggestions
from trust_renewal.cli.manifest_schema import schema_problems
from trust_renewal.content import load_content

PRIVACY = "https://trust-renewal.github.io/trust-renewal/privacy.html"
TERMS = "https://trust-renewal.github.io/trust-renewal/terms.html"
ROOT = Path(__file__).resolve().parents[2]


def _write(folder: Path, **options) -> Path:
    manifest = package.configure_manifest(
        package.read_manifest(),
        privacy_url=options.get("privacy", PRIVACY),
        terms_url=options.get("terms", TERMS),
        regional=package.stack_arns("123456789012"),
    )
    package.write_files(folder, package.package_files(manifest))
    return folder


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    return _write(tmp_path_factory.mktemp("good"))


@pytest.fixture
def copy(good, tmp_path) -> Path:
    target = tmp_path / "pkg"
    shutil.copytree(good, target)
    return target


def _manifest(folder: Path) -> dict:
    return json.loads((folder / "skill-package" / "skill.json").read_text())


def _save(folder: Path, manifest: dict) -> None:
    (folder / "skill-package" / "skill.json").write_text(json.dumps(manifest))


def _failures(folder: Path, **kw) -> list[str]:
    return check_package(folder, limits=False, **kw).failures


def test_the_real_package_passes_every_check(good):
    # Real-looking links and account: nothing left for --draft to excuse.
    report = check_package(good)
    assert report.passed, report.text()
    assert not report.notes, report.notes
    assert any(item.startswith("Alexa's limits on") for item in report.checked)


POLICY = Path(__file__).resolve().parents[2] / "docs" / "privacy.md"


def filled_policy(folder: Path) -> Path:
    """The repository's privacy policy with every placeholder filled, as a deployer would."""
    text = POLICY.read_text(encoding="utf-8")
    path = folder / "privacy.md"
    path.write_text(POLICY_PLACEHOLDER.sub("Sam Rivera, privacy@trust-renewal.org", text), encoding="utf-8")
    return path


def test_the_command_passes_on_the_package_it_writes(tmp_path, capsys):
    from trust_renewal.cli.main import main

    code = main(
        ["package", "--out", str(tmp_path), "--account", "123456789012", "--privacy-url", PRIVACY,
         "--terms-url", TERMS, "--privacy-policy", str(filled_policy(tmp_path)), "--check"]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0, out
    assert "\nCertification self-check: passed\n" in out


def test_the_privacy_policy_must_name_its_controller_contact_and_retention(good, tmp_path):
    # As the repository keeps it: placeholders a release refuses and a draft lets through.
    failures = _failures(good, policy=POLICY)
    for wanted in ("your name, or your organisation's legal name", "an email address you read",
                   "a postal address where you can be reached", "the AWS region or regions you deployed to"):
        assert any(wanted in f and f.startswith(f"{POLICY}: ") for f in failures), (wanted, failures)
    draft = check_package(good, draft=True, limits=False, policy=POLICY)
    assert draft.failures == [] and any("placeholder to fill" in n for n in draft.notes)
    assert _failures(good, policy=filled_policy(tmp_path)) == []
    # A policy without the controller's section, or without how long things are kept, fails.
    bare = tmp_path / "bare.md"
    bare.write_text("# Privacy\n\nWe keep your data.\n", encoding="utf-8")
    failures = _failures(good, policy=bare)
    assert any("who is responsible (the controller)" in f for f in failures)
    assert any("how long each thing is kept" in f for f in failures)
    assert any("cannot be read" in f for f in _failures(good, policy=tmp_path / "missing.md"))


def test_the_icons_are_what_the_script_draws_and_the_right_size():
    import subprocess
    import sys

    for name, size in (("icon-108.png", 108), ("icon-512.png", 512)):
        assert png_size((ROOT / "interaction_model" / "assets" / name).read_bytes()) == (size, size)
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "draw_icons.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_the_manifest_fits_amazons_model_of_it():
    assert schema_problems(package.read_manifest()) == []


def test_a_package_without_icons_fails_with_a_line_per_locale(copy):
    shutil.rmtree(copy / "skill-package" / "assets")
    failures = _failures(copy)
    assert "en-US: the smallIconUri file assets/images/icon-108.png is missing" in failures
    assert "en-GB: the largeIconUri file assets/images/icon-512.png is missing" in failures


def test_an_icon_of_the_wrong_size_fails(copy):
    images = copy / "skill-package" / "assets" / "images"
    shutil.copy(images / "icon-512.png", images / "icon-108.png")
    assert "en-AU: icon-108.png is 512x512; smallIconUri must be 108x108" in _failures(copy)


def test_a_placeholder_privacy_link_fails_unless_it_is_a_draft(tmp_path):
    folder = _write(tmp_path, privacy="https://example.com/trust-renewal/privacy")
    line = (
        "en-US, en-GB, en-CA, en-AU, en-IN: the privacy policy link https://example.com/trust-renewal/privacy"
        " is a placeholder; host docs/ and pass its address"
    )
    assert line in _failures(folder)
    draft = check_package(folder, draft=True, limits=False)
    assert line not in draft.failures and line in draft.notes


def test_a_draft_may_lack_an_endpoint_but_a_release_may_not(tmp_path):
    from trust_renewal.cli.main import main

    assert main(["package", "--out", str(tmp_path), "--draft"]) == 0
    draft = check_package(tmp_path, draft=True, limits=False)
    assert draft.passed, draft.failures
    assert "no endpoint yet: deploy the stack, then package with --endpoint" in draft.notes
    assert "manifest: manifest.apis.custom.endpoint is required" in _failures(tmp_path)


def test_an_example_phrase_that_matches_nothing_fails(copy):
    manifest = _manifest(copy)
    manifest["manifest"]["publishingInformation"]["locales"]["en-US"]["examplePhrases"][2] = (
        "Alexa, ask trust renewal to bake us a cake"
    )
    _save(copy, manifest)
    assert (
        'en-US: example phrase "Alexa, ask trust renewal to bake us a cake" matches no sample of the model'
        in _failures(copy)
    )


def test_example_phrases_need_the_wake_word_and_at_most_three(copy):
    manifest = _manifest(copy)
    phrases = manifest["manifest"]["publishingInformation"]["locales"]["en-GB"]["examplePhrases"]
    phrases[1] = "ask trust renewal for today's exercise"
    phrases.append("Alexa, ask trust renewal for help")
    _save(copy, manifest)
    failures = _failures(copy)
    assert "en-GB: 4 example phrases; Alexa shows one to three" in failures
    phrase = "ask trust renewal for today's exercise"
    assert f'en-GB: example phrase "{phrase}" must start with the wake word "Alexa,"' in failures


def test_a_prompt_whose_suggested_answer_falls_to_fallback_fails(good):
    def phrases(locale: str) -> dict[str, str]:
        return {**load_content(locale).phrases, "test.bread": "Hungry? You can say banana bread, or yes."}

    failures = _failures(good, phrases_for=phrases)
    assert (
        'en-US: prompt test.bread suggests saying "banana bread" reaches no intent (AMAZON.FallbackIntent)'
        in failures
    )
    assert not any('"yes"' in f for f in failures)


def test_a_time_suggested_where_no_time_is_asked_fails(good):
    # "eight p.m." said alone reaches TimeAloneIntent, which sets a reminder only after a time question.
    def phrases(locale: str) -> dict[str, str]:
        return {**load_content(locale).phrases, "test.when": "You can say a time, like seven p.m."}

    failures = _failures(good, phrases_for=phrases)
    assert (
        'en-US: prompt test.when suggests saying "seven p.m" alone,'
        " a reminder time only where a time is asked" in failures
    )
    assert not any("reminder.which_time" in f for f in failures)  # it asks the time: the answer is read


def test_a_topic_the_names_intent_would_catch_fails():
    found = suggestions(
        {"nav.which": "Which step? You can say a topic like forgiveness."}, ["talk and listen"], 11
    )
    assert [(s.answer, s.expect) for s in found] == [("talk and listen", "GoToStepIntent")]


def test_the_answers_a_prompt_suggests_are_read_as_a_person_would_say_them():
    found = suggestions(
        {
            "a": "Say yes to start, or no to leave it for later.",
            "b": "If I stop listening first, just say: Alexa, tell trust renewal I'm done.",
            "c": "You can say: our names are, and then your names. Or, call me, and your name.",
            "d": "You can say a number from 1 to {count}.",
            "e": "Say next, or touch Next, when you're ready.",
            "f": "Just say, take us to step, and its number. Or we can do a short check-in together.",
            "g": "You can say a time, like eight p.m. What time of day would you like?",
        },
        [],
        3,
    )
    assert [s.answer for s in found] == [
        "yes to start", "no to leave it for later", "I'm done", "our names are Maya and Jordan",
        "call me Sam", "one", "two", "three", "next", "take us to step three", "eight p.m",
    ]  # fmt: skip
    assert found[-1].expect == "TimeAloneIntent" and found[-2].expect == "GoToStepIntent"


def test_a_summary_too_long_for_the_store_fails(copy):
    manifest = _manifest(copy)
    manifest["manifest"]["publishingInformation"]["locales"]["en-CA"]["summary"] = "x" * 161
    _save(copy, manifest)
    assert "en-CA: the summary is 161 characters; it must be 1 to 160" in _failures(copy)


def test_a_misspelt_manifest_field_fails(copy):
    manifest = _manifest(copy)
    manifest["manifest"]["privacyAndCompliance"]["usesPersonalInformation"] = True
    manifest["manifest"]["events"]["subscriptions"].append({"eventName": "SKILL_ENABLE"})
    _save(copy, manifest)
    failures = _failures(copy)
    assert (
        "manifest: manifest.privacyAndCompliance.usesPersonalInformation is not a field Alexa knows"
        in failures
    )
    assert (
        "manifest: manifest.events.subscriptions[3].eventName is 'SKILL_ENABLE', which Alexa does not accept"
        in (failures)
    )


def test_permissions_must_match_the_apis_the_code_calls(copy):
    manifest = _manifest(copy)
    manifest["manifest"]["permissions"] = [
        {"name": "alexa::alerts:reminders:skill:readwrite"},
        {"name": "alexa::profile:email:read"},
    ]
    _save(copy, manifest)
    failures = _failures(copy)
    uses = "the code uses voice profiles (context.System.person)"
    assert f"{uses} but the manifest does not request alexa::person_id:read" in failures
    assert "the manifest requests alexa::profile:email:read, which no code uses: remove it" in failures


def test_a_regional_function_must_be_in_its_aws_region_and_the_default_serves_the_rest(copy):
    manifest = _manifest(copy)
    regions = manifest["manifest"]["apis"]["custom"]["regions"]
    del regions["FE"]
    regions["EU"]["endpoint"]["uri"] = regions["NA"]["endpoint"]["uri"]
    _save(copy, manifest)
    report = check_package(copy, limits=False)
    assert any(f.startswith("the EU endpoint must be a function in eu-west-1") for f in report.failures)
    # FE has no function of its own: the default endpoint answers it (a note, not a failure).
    assert not any("FE" in f for f in report.failures)
    assert any(n.startswith("FE requests go to the default endpoint in us-east-1") for n in report.notes)


def test_a_default_endpoint_outside_alexas_regions_fails(copy):
    manifest = _manifest(copy)
    custom = manifest["manifest"]["apis"]["custom"]
    custom["endpoint"]["uri"] = "arn:aws:lambda:ap-south-1:123456789012:function:trust-renewal-skill"
    manifest["manifest"]["events"]["endpoint"] = dict(custom["endpoint"])
    _save(copy, manifest)
    assert any(f.startswith("the default endpoint must be a function in") for f in _failures(copy))


def test_a_missing_required_builtin_intent_fails(copy):
    path = copy / "skill-package" / "interactionModels" / "custom" / "en-CA.json"
    model = json.loads(path.read_text())
    intents = model["interactionModel"]["languageModel"]["intents"]
    intents[:] = [i for i in intents if i["name"] != "AMAZON.StopIntent"]
    path.write_text(json.dumps(model))
    assert "en-CA: the model lacks the required built-in AMAZON.StopIntent" in _failures(copy)


def test_the_command_prints_each_failure_and_exits_1(copy, capsys):
    from trust_renewal.cli.main import main

    shutil.rmtree(copy / "skill-package" / "assets")
    assert main(["package", "--check", "--from", str(copy)]) == 1
    out = capsys.readouterr().out
    assert "Certification self-check: FAILED" in out
    assert "  FAIL: en-IN: the smallIconUri file assets/images/icon-108.png is missing" in out
