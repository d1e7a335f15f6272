"""The skill manifest and the ASK CLI package: complete, consistent across locales, and true to the model."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from trust_renewal.cli import package
from trust_renewal.cli.certification import POLICY_PLACEHOLDER
from trust_renewal.cli.chat import CONNECTORS, LAUNCH_VERBS, ONE_SHOT_VERBS
from trust_renewal.cli.matcher import Matcher
from trust_renewal.envelope_checks import KNOWN_REQUEST_TYPES
from trust_renewal.handlers.reminders import REMINDERS_SCOPE
from trust_renewal.interaction_models import LOCALES, language_model, load_model
from trust_renewal.spelling import locale_spelling, respell

MODEL_DIR = Path(__file__).resolve().parents[2] / "interaction_model"
MANIFEST = json.loads((MODEL_DIR / "skill.json").read_text(encoding="utf-8"))["manifest"]
PUBLISHING = MANIFEST["publishingInformation"]
ARN = "arn:aws:lambda:eu-west-1:123456789012:function:trust-renewal-SkillFunction-AbC123"
COUNTRY = {"en-US": "US", "en-GB": "GB", "en-CA": "CA", "en-AU": "AU", "en-IN": "IN"}


def _spelling(locale: str) -> dict[str, str]:
    return locale_spelling(locale)


# -- publishing information -------------------------------------------------------------------
def test_every_locale_is_published_and_only_those():
    assert set(PUBLISHING["locales"]) == set(LOCALES)
    assert set(MANIFEST["privacyAndCompliance"]["locales"]) == set(LOCALES)
    assert sorted(PUBLISHING["distributionCountries"]) == sorted(COUNTRY.values())
    assert PUBLISHING["isAvailableWorldwide"] is False
    assert PUBLISHING["category"]


@pytest.mark.parametrize("locale", LOCALES)
def test_each_locale_has_complete_publishing_information(locale):
    info = PUBLISHING["locales"][locale]
    assert info["name"] == "Trust Renewal"
    assert 0 < len(info["summary"]) <= 160
    assert 0 < len(info["description"]) <= 4000
    assert 1 <= len(info["keywords"]) <= 30 and all(k.strip() for k in info["keywords"])
    description = info["description"]
    assert "is not therapy" in description
    assert "not meant for relationships where anyone is being hurt" in description
    assert "I don't feel safe" in description


@pytest.mark.parametrize("locale", LOCALES)
def test_the_words_agree_across_locales_but_for_spelling(locale):
    us, here = PUBLISHING["locales"]["en-US"], PUBLISHING["locales"][locale]
    for field in ("summary", "description"):
        assert here[field] == respell(us[field], _spelling(locale)), field
    assert here["keywords"] == us["keywords"]


def test_british_and_indian_listings_say_programme():
    for locale in ("en-GB", "en-IN"):
        assert "programme" in PUBLISHING["locales"][locale]["description"]
    assert "programme" not in PUBLISHING["locales"]["en-US"]["description"]


@pytest.mark.parametrize("locale", LOCALES)
def test_example_phrases_work_with_that_locales_model(locale):
    phrases = PUBLISHING["locales"][locale]["examplePhrases"]
    assert 1 <= len(phrases) <= 3
    model = load_model(locale)
    invocation = re.escape(language_model(model)["invocationName"])
    matcher = Matcher(model)
    launch = re.compile(rf"alexa, (?:{LAUNCH_VERBS}) {invocation}")
    one_shot = re.compile(rf"alexa, (?:{ONE_SHOT_VERBS}) {invocation}(?: (?:{CONNECTORS}))? (.+)")
    # Amazon wants the first phrase to open the skill by name.
    assert launch.fullmatch(phrases[0].lower()), phrases[0]
    for phrase in phrases[1:]:
        asked = one_shot.fullmatch(phrase.lower())
        assert asked, f"{phrase!r} does not invoke {invocation}"
        match = matcher.match(asked.group(1))
        assert not match.is_fallback, f"{locale}: {phrase!r} matches no intent"
        assert not match.intent.startswith("AMAZON."), f"{phrase!r} only reaches {match.intent}"


def test_the_example_phrases_reach_the_intents_they_advertise():
    matcher = Matcher(load_model("en-US"))
    assert matcher.match("today's exercise").intent == "TodaysExerciseIntent"
    assert matcher.match("how are we doing").intent == "ProgressIntent"
    assert Matcher(load_model("en-GB")).match("how are we getting on").intent == "ProgressIntent"


# -- what the skill uses ------------------------------------------------------------------------
def test_permissions_events_and_screens_are_declared():
    assert {"name": REMINDERS_SCOPE} in MANIFEST["permissions"]
    assert {"name": "alexa::person_id:read"} in MANIFEST["permissions"]
    events = {s["eventName"] for s in MANIFEST["events"]["subscriptions"]}
    assert events == {"SKILL_DISABLED", "SKILL_PERMISSION_ACCEPTED", "SKILL_PERMISSION_CHANGED"}
    # Every subscribed event is a request type the skill answers.
    for name in events:
        request_type = "AlexaSkillEvent." + "".join(w.capitalize() for w in name.split("_"))
        assert request_type in KNOWN_REQUEST_TYPES, request_type
    assert MANIFEST["events"]["endpoint"] == MANIFEST["apis"]["custom"]["endpoint"]
    assert MANIFEST["events"]["regions"] == MANIFEST["apis"]["custom"]["regions"]
    (apl,) = [i for i in MANIFEST["apis"]["custom"]["interfaces"] if i["type"] == "ALEXA_PRESENTATION_APL"]
    shapes = {(v["mode"], v["shape"]) for v in apl["supportedViewports"]}
    assert shapes == {("HUB", "ROUND"), ("HUB", "RECTANGLE"), ("TV", "RECTANGLE")}


def test_every_locale_shows_the_two_icons_the_package_ships():
    for info in PUBLISHING["locales"].values():
        assert info["smallIconUri"] == "file://assets/images/icon-108.png"
        assert info["largeIconUri"] == "file://assets/images/icon-512.png"


def test_privacy_links_are_https_placeholders_until_configured():
    for links in MANIFEST["privacyAndCompliance"]["locales"].values():
        assert links["privacyPolicyUrl"].startswith("https://")
        assert links["termsOfUseUrl"].startswith("https://")
    left = package.placeholders_left({"manifest": MANIFEST})
    assert len(left) == 3  # endpoint, privacy, terms: the package command fills them


def test_the_models_agree_on_intents_and_slots_across_locales():
    def shape(locale: str) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
        intents = language_model(load_model(locale))["intents"]
        return sorted((i["name"], tuple((s["name"], s["type"]) for s in i.get("slots", []))) for i in intents)

    assert all(shape(locale) == shape("en-US") for locale in LOCALES)


# -- the ASK CLI package -------------------------------------------------------------------------
def _run(*argv: str) -> int:
    """``trust-renewal package ARGS`` through the real command line."""
    from trust_renewal.cli.main import main

    return main(["package", *argv])


PRIVACY = "https://trust-renewal.github.io/trust-renewal/privacy.html"
TERMS = "https://trust-renewal.github.io/trust-renewal/terms.html"


def test_package_writes_an_ask_cli_project_with_the_deployment_filled_in(tmp_path, capsys):
    out = tmp_path / "skill"
    skill_id = "amzn1.ask.skill.00000000-1111-2222-3333-444444444444"
    code = _run(
        "--out", str(out), "--account", "123456789012", "--privacy-url", PRIVACY,
        "--terms-url", TERMS, "--skill-id", skill_id,
    )  # fmt: skip
    assert code == 0
    assert "placeholder" not in capsys.readouterr().err
    resources_file = json.loads((out / "ask-resources.json").read_text())
    assert resources_file["profiles"]["default"]["skillMetadata"]["src"] == "./skill-package"
    manifest = json.loads((out / "skill-package" / "skill.json").read_text())["manifest"]
    na = "arn:aws:lambda:us-east-1:123456789012:function:trust-renewal-skill"
    assert manifest["apis"]["custom"]["endpoint"] == {"uri": na}
    assert manifest["apis"]["custom"]["regions"] == {
        "NA": {"endpoint": {"uri": na}},
        "EU": {"endpoint": {"uri": "arn:aws:lambda:eu-west-1:123456789012:function:trust-renewal-skill"}},
        "FE": {"endpoint": {"uri": "arn:aws:lambda:us-west-2:123456789012:function:trust-renewal-skill"}},
    }
    assert manifest["events"]["endpoint"] == {"uri": na}
    assert manifest["events"]["regions"] == manifest["apis"]["custom"]["regions"]
    for links in manifest["privacyAndCompliance"]["locales"].values():
        assert links == {"privacyPolicyUrl": PRIVACY, "termsOfUseUrl": TERMS}
    assert manifest["publishingInformation"] == PUBLISHING
    for locale in LOCALES:
        written = out / "skill-package" / "interactionModels" / "custom" / f"{locale}.json"
        assert json.loads(written.read_text()) == load_model(locale)
    for name in ("icon-108.png", "icon-512.png"):
        assert (out / "skill-package" / "assets" / "images" / name).read_bytes() == (
            MODEL_DIR / "assets" / name
        ).read_bytes()
    states = json.loads((out / ".ask" / "ask-states.json").read_text())
    assert states["profiles"]["default"]["skillId"] == skill_id


def test_regional_endpoints_can_be_given_one_by_one(tmp_path):
    eu = "arn:aws:lambda:eu-west-1:123456789012:function:my-eu-function"
    code = _run("--out", str(tmp_path), "--endpoint", ARN.replace("eu-west-1", "us-east-1"),
                "--endpoint-eu", eu, "--draft")  # fmt: skip
    assert code == 0
    manifest = json.loads((tmp_path / "skill-package" / "skill.json").read_text())["manifest"]
    assert manifest["apis"]["custom"]["regions"]["EU"] == {"endpoint": {"uri": eu}}
    na = manifest["apis"]["custom"]["regions"]["NA"]["endpoint"]["uri"]
    assert na.startswith("arn:aws:lambda:us-east-1")


def test_a_function_in_the_wrong_region_is_refused(tmp_path, capsys):
    wrong = "arn:aws:lambda:us-east-1:123456789012:function:trust-renewal-skill"
    assert _run("--out", str(tmp_path / "out"), "--endpoint-eu", wrong, "--draft") == 2
    assert "eu-west-1" in capsys.readouterr().err


def test_package_refuses_placeholders_unless_it_is_a_draft(tmp_path, capsys):
    assert _run("--out", str(tmp_path / "refused")) == 2
    err = capsys.readouterr().err
    assert "--endpoint" in err and "--privacy-url" in err and "--terms-url" in err and "--draft" in err
    assert not (tmp_path / "refused").exists()
    assert _run("--out", str(tmp_path / "draft"), "--account", "123456789012", "--draft") == 0
    err = capsys.readouterr().err
    assert "--privacy-url" in err and "--endpoint" not in err
    assert (tmp_path / "draft" / "skill-package" / "skill.json").is_file()
    assert not (tmp_path / "draft" / ".ask").exists()


def test_a_draft_without_functions_has_no_endpoint_alexa_would_refuse(tmp_path):
    # The first upload, to get the skill ID the stacks need: no all-zero account anywhere.
    assert _run("--out", str(tmp_path), "--draft") == 0
    manifest = json.loads((tmp_path / "skill-package" / "skill.json").read_text())["manifest"]
    assert manifest["apis"]["custom"].keys() == {"interfaces"}
    assert "events" not in manifest
    assert package.PLACEHOLDER_ACCOUNT not in json.dumps(manifest)


def test_one_function_in_one_region_serves_every_locale(tmp_path):
    # A developer with one AWS region: the default endpoint answers every locale,
    # and no regional entry is left pointing at the all-zero account.
    na = "arn:aws:lambda:us-east-1:123456789012:function:trust-renewal-skill"
    assert _run("--out", str(tmp_path), "--endpoint", na, "--draft") == 0
    manifest = json.loads((tmp_path / "skill-package" / "skill.json").read_text())["manifest"]
    for target in (manifest["apis"]["custom"], manifest["events"]):
        assert target["endpoint"] == {"uri": na}
        assert "regions" not in target
    assert package.PLACEHOLDER_ACCOUNT not in json.dumps(manifest)


def test_packaging_with_one_endpoint_arn_passes_the_check(tmp_path, capsys):
    eu = "arn:aws:lambda:eu-west-1:123456789012:function:trust-renewal-skill"
    policy = tmp_path / "privacy.md"
    text = (MODEL_DIR.parent / "docs" / "privacy.md").read_text(encoding="utf-8")
    policy.write_text(POLICY_PLACEHOLDER.sub("Sam Rivera, privacy@trust-renewal.org", text), encoding="utf-8")
    code = _run("--out", str(tmp_path / "skill"), "--endpoint", eu, "--privacy-url", PRIVACY,
                "--terms-url", TERMS, "--privacy-policy", str(policy), "--check")  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0, out + err
    assert "Still a placeholder" not in err
    assert "Certification self-check: passed" in out
    # Regions without a function of their own are served by the default, and the check says so.
    assert "NA requests go to the default endpoint in eu-west-1" in out


def test_example_hosts_are_placeholders_and_real_ones_are_not():
    for url in ("https://example.com/p", "https://couples.example.org/p", "https://x.test/p", "https://localhost/p"):
        assert package.is_placeholder_url(url), url
    for url in (PRIVACY, "https://examples.org/p", "https://example.company.com/p"):
        assert not package.is_placeholder_url(url), url


def test_an_https_endpoint_names_its_certificate(tmp_path):
    url = "https://abc.tunnel.example/alexa"
    assert _run("--out", str(tmp_path), "--endpoint", url, "--wildcard-certificate", "--draft") == 0
    manifest = json.loads((tmp_path / "skill-package" / "skill.json").read_text())["manifest"]
    # One web service answers every region: no regional Lambda endpoints.
    for target in (manifest["apis"]["custom"], manifest["events"]):
        assert target["endpoint"] == {"uri": url, "sslCertificateType": "Wildcard"}
        assert "regions" not in target


@pytest.mark.parametrize(
    "argv",
    [
        ("--endpoint", "http://insecure.example/alexa"),
        ("--endpoint", "arn:aws:lambda:us-east-1:12:function:x"),
        ("--privacy-url", "ftp://example.org/privacy"),
        ("--skill-id", "not-a-skill"),
    ],
)
def test_package_refuses_options_alexa_would_reject(tmp_path, argv, capsys):
    assert _run("--out", str(tmp_path / "out"), *argv) == 2
    assert capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_one_endpoint_at_the_all_zero_account_is_still_a_placeholder(tmp_path, capsys):
    zero = "arn:aws:lambda:us-east-1:000000000000:function:trust-renewal-skill"
    code = _run("--out", str(tmp_path / "refused"), "--endpoint", zero, "--privacy-url", PRIVACY,
                "--terms-url", TERMS)  # fmt: skip
    assert code == 2 and "Still a placeholder: the endpoint" in capsys.readouterr().err
    assert not (tmp_path / "refused").exists()
