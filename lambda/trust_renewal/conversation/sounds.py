"""The couple's background-sound switch, and the one-time word about it.

On devices that play APL for Audio, reflections and quiet turns have a soft bed
under them (``render/apla.py``). The couple can turn it off, back on, or make
it quieter; the setting is kept with their progress. The first reflection the
bed plays under is introduced by one line that names the switch, once ever.
"""

from __future__ import annotations

from dataclasses import replace

from trust_renewal.content.model import Content
from trust_renewal.conversation.reply import Line, Reply, say
from trust_renewal.conversation.state import State

QUIET_KEY = "quiet"  # the quiet-turn Line (params seconds and who)


def switch(state: State, setting: str) -> tuple[State, Line]:
    """Set the background sounds to "on", "quieter" or "off"; the line that says so."""
    now = state.background if state.background in ("on", "quieter", "off") else "on"
    if setting == "quieter" and now == "off":
        return state, say("sounds.quieter_when_off")
    if setting == now or (setting == "on" and now == "quieter"):
        key = {"off": "sounds.already_off", "on": "sounds.already_on", "quieter": "sounds.already_quieter"}
        return replace(state, background=setting if setting != "on" else now), say(key[setting])
    done = {"off": "sounds.off", "on": "sounds.on", "quieter": "sounds.quieter"}
    return replace(state, background=setting, sounds_told=True), say(done[setting])


def _markup(line: Line, content: Content) -> str:
    """The spoken markup of a line (empty for names and anything unknown)."""
    kind, _, rest = line.key.partition(":")
    if kind == "phrase":
        return content.phrases.get(rest, "")
    if kind == "step_intro" and rest in content.steps_by_id:
        return content.steps_by_id[rest].intro
    if kind == "checkin":
        return next((c.say for c in content.checkins if c.id == rest), "")
    exercise_id, _, index = rest.partition(":")
    exercise = content.exercises_by_id.get(exercise_id)
    if exercise is None:
        return ""
    if kind in ("intro", "closing"):
        return exercise.intro if kind == "intro" else exercise.closing
    if kind == "prompt" and index.isdigit() and int(index) < len(exercise.prompts):
        return exercise.prompts[int(index)].say
    return ""


def is_calm(line: Line, content: Content) -> bool:
    """A quiet turn, or a prompt or phrase that holds a pause: what the bed plays under."""
    return line.key == QUIET_KEY or "[pause " in _markup(line, content)


def mention_once(state: State, reply: Reply, content: Content, plays_sounds: bool) -> tuple[State, Reply]:
    """As the first exercise the bed plays under begins, say once how to turn it off.

    Only where an exercise begins (before its introduction), never inside a fallback,
    help, a safety answer or between a prompt's lines (issue 20).
    """
    if not plays_sounds or state.sounds_told or state.background == "off" or reply.silent:
        return state, reply
    if any(line.key.startswith(_NOT_HERE) for line in reply.speech):
        return state, reply
    if not any(is_calm(line, content) for line in reply.speech):
        return state, reply
    for i, line in enumerate(reply.speech):
        if line.key.startswith(("step_intro:", "intro:")):
            speech = (*reply.speech[:i], say("sounds.hint"), *reply.speech[i:])
            return replace(state, sounds_told=True), replace(reply, speech=speech)
    return state, reply


# Replies the sound hint never joins.
_NOT_HERE = ("phrase:fallback.", "phrase:help.", "phrase:support.", "phrase:safety.", "phrase:distress.",
             "safety_call:", "safety_number:")
