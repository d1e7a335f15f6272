"""Someone is told when a couple's data could not be deleted or the function fails (template.yaml).

The metric filter is checked against the very log line the skill writes when a
deletion fails through lambda_handler, so the alarm cannot drift from the log.
"""

from __future__ import annotations

import json
import logging
import re

import pytest
from botocore.exceptions import ClientError

from support.conversation_driver import SKILL_ID
from support.dynamo_support import load_template
from support.lambda_support import USER, talk_to
from trust_renewal.envelopes import EnvelopeBuilder
from trust_renewal.logging_setup import JsonFormatter


@pytest.fixture(scope="module")
def resources() -> dict:
    return load_template()["Resources"]


def _matches(pattern: str, line: str) -> bool:
    """CloudWatch's JSON filter for the one form used here: ``{ $.key = "value" }``."""
    found = re.fullmatch(r'\{\s*\$\.(\w+)\s*=\s*"([^"]*)"\s*\}', pattern.strip())
    assert found, f"unexpected filter pattern {pattern!r}"
    key, value = found.groups()
    try:
        return json.loads(line).get(key) == value
    except ValueError:
        return False


def test_the_deletion_failed_filter_matches_the_line_a_failed_deletion_logs(lambda_module, resources, caplog):
    talk = talk_to(lambda_module)
    talk.launch()
    talk.say("SetNamesIntent", firstName="Maya", secondName="Jordan")

    def fail(model, **_):
        raise ClientError({"Error": {"Code": "InternalServerError", "Message": "down"}}, model.name)

    lambda_module._runtime.store.client.meta.events.register("before-call.dynamodb.PutItem", fail)
    event = EnvelopeBuilder(SKILL_ID, user_id=USER).event("AlexaSkillEvent.SkillDisabled", body={})
    with caplog.at_level(logging.INFO), pytest.raises(Exception):  # noqa: B017 - Lambda sees a failure
        lambda_module.lambda_handler(event, None)

    lines = [JsonFormatter().format(record) for record in caplog.records]
    pattern = resources["DeletionFailedMetricFilter"]["Properties"]["FilterPattern"]
    assert sum(_matches(pattern, line) for line in lines) == 1  # that line, and no other
    assert not _matches(pattern, json.dumps({"event": "deleted"}))


def test_the_metric_filter_reads_the_functions_log_group(resources):
    props = resources["DeletionFailedMetricFilter"]["Properties"]
    assert props["LogGroupName"] == {"Ref": "SkillFunctionLogGroup"}
    metric = props["MetricTransformations"][0]
    alarm = resources["DeletionFailedAlarm"]["Properties"]
    assert (alarm["Namespace"], alarm["MetricName"]) == (metric["MetricNamespace"], metric["MetricName"])
    assert alarm["Threshold"] == 1 and alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"


@pytest.mark.parametrize(
    ("alarm", "metric"), [("FunctionErrorsAlarm", "Errors"), ("FunctionThrottlesAlarm", "Throttles")]
)
def test_function_errors_and_throttles_raise_an_alarm(resources, alarm, metric):
    props = resources[alarm]["Properties"]
    assert (props["Namespace"], props["MetricName"]) == ("AWS/Lambda", metric)
    assert props["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": "SkillFunction"}}]


def test_every_alarm_tells_the_topic_and_e_mail_is_subscribed_only_when_given(resources):
    alarms = [r for r in resources.values() if r["Type"] == "AWS::CloudWatch::Alarm"]
    assert len(alarms) == 3
    assert all(a["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}] for a in alarms)
    subscription = resources["AlarmEmailSubscription"]
    assert subscription["Condition"] == "HasAlarmEmail"
    assert subscription["Properties"]["Endpoint"] == {"Ref": "AlarmEmail"}
    template = load_template()
    assert template["Parameters"]["AlarmEmail"]["Default"] == ""
    assert template["Conditions"]["HasAlarmEmail"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmEmail"}, ""]}]
    }
    pattern = re.compile(template["Parameters"]["AlarmEmail"]["AllowedPattern"])
    assert pattern.fullmatch("") and pattern.fullmatch("care@example.org")
    assert not pattern.fullmatch("not an address")
