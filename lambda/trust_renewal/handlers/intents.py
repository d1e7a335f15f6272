"""One handler per intent of the interaction model (tests check the two match one to one)."""

from __future__ import annotations

from trust_renewal.handlers.base import IntentHandler


class TodaysExerciseHandler(IntentHandler):
    intent_names = ("TodaysExerciseIntent",)
    event_name = "todays_exercise"


class SetNamesHandler(IntentHandler):
    intent_names = ("SetNamesIntent",)
    event_name = "set_names"


class TurnDoneHandler(IntentHandler):
    intent_names = ("TurnDoneIntent",)
    event_name = "turn_done"


class SkipHandler(IntentHandler):
    intent_names = ("SkipIntent",)
    event_name = "skip"


class RestartExerciseHandler(IntentHandler):
    intent_names = ("RestartExerciseIntent",)
    event_name = "restart_exercise"


class GoToStepHandler(IntentHandler):
    intent_names = ("GoToStepIntent",)
    event_name = "go_to_step"


class NumberAloneHandler(IntentHandler):
    intent_names = ("NumberAloneIntent",)
    event_name = "number_alone"


class TimeAloneHandler(IntentHandler):
    intent_names = ("TimeAloneIntent",)
    event_name = "time_alone"


class QuickVersionHandler(IntentHandler):
    intent_names = ("QuickVersionIntent",)
    event_name = "quick"


class ProgressHandler(IntentHandler):
    intent_names = ("ProgressIntent",)
    event_name = "progress"


class SafetyHandler(IntentHandler):
    intent_names = ("SafetyIntent",)
    event_name = "safety"


class AbuseHandler(IntentHandler):
    intent_names = ("AbuseIntent",)
    event_name = "abuse"


class SelfHarmHandler(IntentHandler):
    intent_names = ("SelfHarmIntent",)
    event_name = "self_harm"


class HarmDoneHandler(IntentHandler):
    intent_names = ("HarmDoneIntent",)
    event_name = "harm_done"


class WorryAboutSomeoneHandler(IntentHandler):
    intent_names = ("WorryAboutSomeoneIntent",)
    event_name = "someone_else"


class HopelessHandler(IntentHandler):
    intent_names = ("HopelessIntent",)
    event_name = "hopeless"


class DistressHandler(IntentHandler):
    intent_names = ("DistressIntent",)
    event_name = "distress"


class FindSupportHandler(IntentHandler):
    intent_names = ("FindSupportIntent",)
    event_name = "find_support"


class SendCardHandler(IntentHandler):
    intent_names = ("SendCardIntent",)
    event_name = "send_card"


class DeleteDataHandler(IntentHandler):
    intent_names = ("DeleteDataIntent",)
    event_name = "delete_data"


class SetReminderHandler(IntentHandler):
    intent_names = ("SetReminderIntent",)
    event_name = "set_reminder"


class StopRemindersHandler(IntentHandler):
    intent_names = ("StopRemindersIntent",)
    event_name = "stop_reminders"


class MoreTimeHandler(IntentHandler):
    intent_names = ("MoreTimeIntent",)
    event_name = "more_time"


class TakeBreakHandler(IntentHandler):
    intent_names = ("TakeBreakIntent",)
    event_name = "take_break"


class WhoseTurnHandler(IntentHandler):
    intent_names = ("WhoseTurnIntent",)
    event_name = "whose_turn"


class FirstSpeakerHandler(IntentHandler):
    intent_names = ("FirstSpeakerIntent",)
    event_name = "first_speaker"


class JustMeHandler(IntentHandler):
    intent_names = ("JustMeIntent",)
    event_name = "solo"


class RolesHurtHandler(IntentHandler):
    intent_names = ("RolesHurtIntent",)
    event_name = "roles_hurt"


class RolesMutualHandler(IntentHandler):
    intent_names = ("RolesMutualIntent",)
    event_name = "roles_mutual"


class RolesChangeHandler(IntentHandler):
    intent_names = ("RolesChangeIntent",)
    event_name = "roles_change"


class RolesClearHandler(IntentHandler):
    intent_names = ("RolesClearIntent",)
    event_name = "roles_clear"


class EnoughForTonightHandler(IntentHandler):
    intent_names = ("EnoughForTonightIntent",)
    event_name = "enough_tonight"


class ThanksHandler(IntentHandler):
    intent_names = ("ThanksIntent",)
    event_name = "thanks"


class SorryHandler(IntentHandler):
    intent_names = ("SorryIntent",)
    event_name = "sorry"


class OkayNowHandler(IntentHandler):
    intent_names = ("OkayNowIntent",)
    event_name = "okay_now"


class FeelingsHandler(IntentHandler):
    intent_names = ("FeelingsIntent",)
    event_name = "feelings"


class TooHardHandler(IntentHandler):
    intent_names = ("TooHardIntent",)
    event_name = "too_hard"


class PartnerJoinedHandler(IntentHandler):
    intent_names = ("PartnerJoinedIntent",)
    event_name = "partner_joined"


class ReminderTimeHandler(IntentHandler):
    intent_names = ("ReminderTimeIntent",)
    event_name = "reminder_time"

class BackgroundSoundsOffHandler(IntentHandler):
    intent_names = ("BackgroundSoundsOffIntent",)
    event_name = "background_off"


class BackgroundSoundsOnHandler(IntentHandler):
    intent_names = ("BackgroundSoundsOnIntent",)
    event_name = "background_on"


class BackgroundSoundsQuieterHandler(IntentHandler):
    intent_names = ("BackgroundSoundsQuieterIntent",)
    event_name = "background_quieter"


class LinkPartnerHandler(IntentHandler):
    intent_names = ("LinkPartnerIntent",)
    event_name = "link_partner"


class JoinPartnerHandler(IntentHandler):
    intent_names = ("JoinPartnerIntent",)
    event_name = "join_partner"


class LinkCodeHandler(IntentHandler):
    intent_names = ("LinkCodeIntent",)
    event_name = "link_code"


class UnlinkPartnerHandler(IntentHandler):
    intent_names = ("UnlinkPartnerIntent",)
    event_name = "unlink_partner"


class YesHandler(IntentHandler):
    intent_names = ("AMAZON.YesIntent",)
    event_name = "yes"


class NoHandler(IntentHandler):
    intent_names = ("AMAZON.NoIntent",)
    event_name = "no"


class NextHandler(IntentHandler):
    intent_names = ("AMAZON.NextIntent",)
    event_name = "next"


class PreviousHandler(IntentHandler):
    intent_names = ("AMAZON.PreviousIntent",)
    event_name = "previous"


class RepeatHandler(IntentHandler):
    intent_names = ("AMAZON.RepeatIntent",)
    event_name = "repeat"


class HelpHandler(IntentHandler):
    intent_names = ("AMAZON.HelpIntent",)
    event_name = "help"


class StopHandler(IntentHandler):
    intent_names = ("AMAZON.StopIntent",)
    event_name = "stop"


class CancelHandler(IntentHandler):
    intent_names = ("AMAZON.CancelIntent",)
    event_name = "cancel"


class FallbackHandler(IntentHandler):
    intent_names = ("AMAZON.FallbackIntent",)
    event_name = "fallback"


class NavigateHomeHandler(IntentHandler):
    intent_names = ("AMAZON.NavigateHomeIntent",)
    event_name = "home"


class PauseHandler(IntentHandler):
    intent_names = ("AMAZON.PauseIntent",)
    event_name = "pause"


class ResumeHandler(IntentHandler):
    intent_names = ("AMAZON.ResumeIntent",)
    event_name = "resume"


class StartOverHandler(IntentHandler):
    intent_names = ("AMAZON.StartOverIntent",)
    event_name = "start_over"


INTENT_HANDLERS = tuple(cls() for cls in IntentHandler.__subclasses__())
