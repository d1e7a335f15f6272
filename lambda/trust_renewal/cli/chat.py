"""``trust-renewal chat``: talk to the real skill in the terminal, on the embedded store.

Each typed line goes through the interaction model's matcher and becomes the
request envelope Alexa would send; the skill's spoken answer comes back as
readable text. Piped input works the same way, so conversations can be scripted.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from trust_renewal.interaction_models import LOCALES

if TYPE_CHECKING:
    from trust_renewal.cli.device_settings import DeviceSettings
    from trust_renewal.cli.matcher import Match, Matcher
    from trust_renewal.config import Config
    from trust_renewal.envelopes import EnvelopeBuilder
    from trust_renewal.runtime import SkillRuntime

HINT = "Type what you would say to Alexa; start with 'open trust renewal'; 'quit' to leave."
LEAVE = ("quit", "exit")
# "@jordan": the next lines are said on another account's Alexa (linking two accounts).
SWITCH = re.compile(r"@([A-Za-z0-9][A-Za-z0-9_-]{0,40})")
# How people start a skill and ask it something in one go ("ask X to ...").
LAUNCH_VERBS = r"(?:open|launch|start|begin|talk to|use|play)"
ONE_SHOT_VERBS = r"(?:ask|tell)"
CONNECTORS = r"(?:to|for|about|that|if|whether)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--user",
        default="local-user",
        metavar="ID",
        help=(
            "whose progress to use (the Alexa user ID becomes amzn1.ask.account.ID); two chats"
            " with --user maya and --user jordan on one --db are two partners' accounts, and a"
            " line '@jordan' switches this chat to that account"
        ),
    )
    parser.add_argument("--locale", default="en-US", choices=LOCALES, help="the device's locale")
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        metavar="PATH",
        help="SQLite progress file (default: SQLITE_PATH, else the user data folder)",
    )
    parser.add_argument(
        "--show-cards", action="store_true", help="also print the card the Alexa app would show"
    )
    parser.add_argument(
        "--time-zone",
        metavar="ZONE",
        default=None,
        help="the device's time zone setting, an IANA name like America/Toronto: it decides "
        "the day and, where it names one country, whose help lines are given",
    )


def run(args: argparse.Namespace) -> int:
    import dataclasses

    from trust_renewal.config import ConfigError, config_from_env

    try:
        config = config_from_env()
    except ConfigError as exc:
        print(f"chat: {exc}", file=sys.stderr)
        return 2
    if args.db is not None:
        config = dataclasses.replace(config, store="sqlite", sqlite_path=args.db.expanduser())
    # A chat is for reading the conversation: only warnings, unless asked for more.
    level = config.log_level if config.log_level_set else "WARNING"
    from trust_renewal.logging_setup import configure_logging

    configure_logging(level)
    settings = None
    if args.time_zone:
        from trust_renewal.cli.device_settings import DeviceSettings

        try:
            settings = DeviceSettings(args.time_zone)
        except ValueError as exc:
            print(f"chat: {exc}", file=sys.stderr)
            return 2
        config = dataclasses.replace(config, alexa_api_url=settings.url)
    try:
        chat = Chat.start(config, args.user, args.locale, show_cards=args.show_cards, settings=settings)
    except Exception as exc:  # no traceback for the person at the keyboard
        print(f"chat: the skill could not start: {_one_line(exc)}", file=sys.stderr)
        if settings is not None:
            settings.close()
        return 1
    try:
        return _talk(chat)
    finally:
        if settings is not None:
            settings.close()


def _talk(chat: Chat) -> int:
    interactive = sys.stdin.isatty()
    if interactive:
        _enable_line_editing()
        print(HINT)
    try:
        for line in _lines(sys.stdin, interactive):
            if not chat.hear(line):
                break
        else:
            chat.leave()
    except KeyboardInterrupt:
        print()
        chat.leave()
        return 130
    return 0


def _lines(stream: TextIO, interactive: bool) -> Iterator[str]:
    """Typed lines with a prompt, or piped lines echoed so transcripts read well."""
    if interactive:
        while True:
            try:
                yield input("You: ")
            except EOFError:
                print()
                return
    else:
        for raw in stream:
            line = raw.rstrip("\r\n")
            print(f"You: {line}" if line.strip() else "You: (silence)")
            yield line


def _enable_line_editing() -> None:
    import contextlib

    with contextlib.suppress(ImportError):  # not on every platform
        import readline  # noqa: F401  (arrow keys and history for input())


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or "no detail"
    return f"{type(exc).__name__}: {text}"


def speech_text(speech: dict[str, Any] | None) -> str:
    """What Alexa says, as readable text with pauses shown."""
    from trust_renewal.render.ssml import to_text

    if not speech:
        return ""
    if speech.get("type") == "PlainText":
        return speech.get("text", "")
    ssml = speech.get("ssml", "")
    try:
        return to_text(ssml)
    except Exception:  # unparseable SSML still reads better without its tags
        return " ".join(re.sub(r"<[^>]+>", " ", ssml).split())


def audio_text(directives: list[dict[str, Any]] | None) -> str:
    """An APL for Audio answer as readable text: the words, the bed and the quiet in words."""
    from trust_renewal.render.apla import guide_text

    for directive in directives or ():
        if directive.get("type") == "Alexa.Presentation.APLA.RenderDocument":
            return guide_text(directive)
    return ""


class Chat:
    """One person's conversation: lines in, what Alexa would say out."""

    def __init__(
        self,
        runtime: SkillRuntime,
        builder: EnvelopeBuilder,
        matcher: Matcher,
        out: TextIO | None = None,
        show_cards: bool = False,
    ) -> None:
        self.runtime = runtime
        self.builder = builder
        self.matcher = matcher
        self.out = out or sys.stdout
        self.show_cards = show_cards
        self.reprompt: dict[str, Any] | None = None
        self.reprompted = False
        self.accounts: dict[str, EnvelopeBuilder] = {builder.user_id: builder}
        inv = re.escape(matcher.invocation_name)
        self._launch = re.compile(rf"(?:{LAUNCH_VERBS}|{ONE_SHOT_VERBS}) {inv}")
        self._one_shot = re.compile(rf"{ONE_SHOT_VERBS} {inv}(?: ({CONNECTORS}))? (.+)")

    @classmethod
    def start(
        cls,
        config: Config,
        user: str,
        locale: str,
        show_cards: bool = False,
        settings: DeviceSettings | None = None,
    ) -> Chat:
        """Build the skill and its store now, so a broken setup fails before the first line."""
        from trust_renewal.cli.matcher import Matcher
        from trust_renewal.envelopes import EnvelopeBuilder
        from trust_renewal.runtime import SkillRuntime

        runtime = SkillRuntime(config)
        runtime.skill  # noqa: B018  (build it now: import or store errors show at once)
        builder = EnvelopeBuilder(
            config.effective_skill_id,
            user_id=f"amzn1.ask.account.{user}",
            locale=locale,
            # An Echo speaker, as its requests look: the skill declares only APL, which a
            # speaker has not, so supportedInterfaces is empty. It plays APL for Audio all
            # the same, so reflections come with their bed.
            supported_interfaces={},
            # With --time-zone, a device whose settings the skill may read (on loopback).
            **(
                {"device_id": settings.device_id(), "api_access_token": "local-chat-device"}
                if settings is not None
                else {}
            ),
        )
        matcher = Matcher.for_locale(locale, skill_id=config.effective_skill_id)
        return cls(runtime, builder, matcher, show_cards=show_cards)

    # -- turns --------------------------------------------------------------------
    def hear(self, line: str) -> bool:
        """Answer one line; False when the person has left."""
        from trust_renewal.cli.matcher import normalise

        switch = SWITCH.fullmatch(line.strip())
        if switch:
            self.switch_to(switch.group(1))
            return True
        said = normalise(line)
        if not said:
            self._silence()
            return True
        if said in LEAVE:
            self.leave()
            return False
        if self._launch.fullmatch(said):
            self._send(self.builder.launch())
            return True
        one_shot = self._one_shot.fullmatch(said)
        if one_shot:
            self.builder.end_session()  # invoking the skill by name starts a new session
            match = self._match_one_shot(one_shot.group(1), one_shot.group(2))
        else:
            match = self.matcher.match(said)
        self._send(self.builder.intent(match.intent, match.slots))
        return True

    def switch_to(self, user: str) -> None:
        """Go on as another account, on its own device: each account keeps its own session."""
        from trust_renewal.envelopes import EnvelopeBuilder

        user_id = f"amzn1.ask.account.{user}"
        if user_id not in self.accounts:
            now = self.builder
            self.accounts[user_id] = EnvelopeBuilder(
                now.skill_id,
                user_id=user_id,
                locale=now.locale,
                device_id=f"amzn1.ask.device.{user}",
                supported_interfaces=dict(now.supported_interfaces),
            )
        self.builder = self.accounts[user_id]
        self.reprompt, self.reprompted = None, False
        self._mark(f"(now on {user}'s Alexa)")

    def _match_one_shot(self, connector: str | None, rest: str) -> Match:
        match = self.matcher.match(rest)
        if match.is_fallback and connector:
            # "ask trust renewal if ..." may be part of the request itself.
            whole = self.matcher.match(f"{connector} {rest}")
            if not whole.is_fallback:
                return whole
        return match

    def _silence(self) -> None:
        """No answer: Alexa plays the reprompt once, then closes the session."""
        if not self.builder.in_session:
            return
        if self.reprompt and not self.reprompted:
            self.reprompted = True
            self._say(speech_text(self.reprompt))
            return
        self._send(self.builder.session_ended("EXCEEDED_MAX_REPROMPTS"))
        self._mark("(session ended)")

    def leave(self) -> None:
        """Quit or end of input: close every open session as Alexa does on "exit"."""
        current = self.builder
        for builder in self.accounts.values():
            if builder.in_session:
                self.builder = builder
                self._send(builder.session_ended("USER_INITIATED"))
        self.builder = current

    # -- the skill's answer ----------------------------------------------------------
    def _send(self, envelope: dict[str, Any]) -> None:
        ending = envelope["request"]["type"] == "SessionEndedRequest"
        try:
            response = self.runtime.handle(envelope)
        except Exception as exc:  # the skill's own handler should catch first; never a traceback
            print(f"error: {_one_line(exc)}", file=sys.stderr)
            return
        if "error" in response:
            reason = response["error"].get("reason", "refused")
            self._mark(f"(request refused: {reason})")
            return
        if ending:
            return  # Alexa does not speak a reply to a SessionEndedRequest
        self.builder.absorb(response)
        body = response.get("response") or {}
        text = self._with_quiet(speech_text(body.get("outputSpeech")), response)
        text = text or audio_text(body.get("directives"))
        self._say(text or "(says nothing)")
        if self.show_cards and body.get("card"):
            self._card(body["card"])
        self.reprompt = (body.get("reprompt") or {}).get("outputSpeech")
        self.reprompted = False
        if not self.builder.in_session:
            self._mark("(session ended)")

    def _with_quiet(self, text: str, response: dict[str, Any]) -> str:
        """Name who speaks during a timed quiet; the next typed line counts as said during it."""
        from trust_renewal.content import load_content
        from trust_renewal.conversation.reply import Line
        from trust_renewal.render.reply import quiet_text

        marker = re.search(r"\(quiet for [^)]*\)", text)
        if not marker:
            return text
        state = (response.get("sessionAttributes") or {}).get("state") or {}
        try:
            lines = [Line.from_json(raw) for raw in state.get("last") or ()]
        except (TypeError, ValueError):
            return text
        quiet = next((line for line in lines if line.key == "quiet"), None)
        if quiet is None:
            return text
        said = quiet_text(quiet, load_content(self.builder.locale))
        return text[: marker.start()] + said + text[marker.end() :]

    def _say(self, text: str) -> None:
        print(f"Alexa: {text}", file=self.out, flush=True)

    def _card(self, card: dict[str, Any]) -> None:
        title = card.get("title") or ""
        body = card.get("content") or card.get("text") or ""
        print(f"  [card] {title}", file=self.out)
        for line in body.splitlines():
            print(f"         {line}", file=self.out)

    def _mark(self, text: str) -> None:
        dim = getattr(self.out, "isatty", lambda: False)()
        print(f"\x1b[2m{text}\x1b[0m" if dim else text, file=self.out, flush=True)
