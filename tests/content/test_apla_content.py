"""Every reflection in the program fits Alexa's APL for Audio limits."""

from __future__ import annotations

from support.apla_check import check_directive
from trust_renewal.conversation.reply import Reply, ref, say
from trust_renewal.render.apla import guide_directive


def test_every_reflection_in_the_program_fits_alexas_limits(content):
    """Every prompt that holds a pause, alone and after the longest lead the skill puts before one."""
    lead = (say("welcome.first_short"), ref(f"step_intro:{content.steps[0].id}"))
    checked = reflections = 0
    for exercise in content.exercises_by_id.values():
        for index, prompt in enumerate(exercise.prompts):
            if "[pause " not in prompt.say:
                continue
            reflections += 1
            line = ref(f"prompt:{exercise.id}:{index}", speaker="Maya", listener="Jordan")
            for speech in ((line,), (*lead, ref(f"intro:{exercise.id}"), line, say("cue.exercise"))):
                directive = guide_directive(Reply(speech=speech), content, "on", "en-US")
                assert directive is not None, (exercise.id, index)
                check_directive(directive)
                checked += 1
    assert reflections > 90 and checked == 2 * reflections


