"""Build the one skill object all three front doors share."""

from __future__ import annotations

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import CustomSkillBuilder
from ask_sdk_model.services import ApiClient

from trust_renewal.config import Config
from trust_renewal.handlers import ALL_HANDLERS, CatchAllExceptionHandler
from trust_renewal.handlers.interceptors import LoadStateInterceptor, SaveStateInterceptor
from trust_renewal.handlers.response_size import ResponseSizeInterceptor


def build_skill(
    config: Config,
    store: AbstractPersistenceAdapter,
    api_client: ApiClient | None = None,
) -> CustomSkill:
    """Register handlers, interceptors and the catch-all on a persistent skill.

    The skill ID is checked before dispatch (``envelope_checks``), where old
    envelopes without ``context`` can be refused cleanly, so it is not passed
    to the SDK here.
    """
    if api_client is None:
        from trust_renewal.alexa_api import HttpApiClient

        api_client = HttpApiClient(base_url=config.alexa_api_url)
    builder = CustomSkillBuilder(persistence_adapter=store, api_client=api_client)
    for handler in ALL_HANDLERS:
        builder.add_request_handler(handler)
    builder.add_exception_handler(CatchAllExceptionHandler())
    builder.add_global_request_interceptor(LoadStateInterceptor(store))
    builder.add_global_response_interceptor(SaveStateInterceptor(store))
    builder.add_global_response_interceptor(ResponseSizeInterceptor())  # last: nothing is added after it
    skill = builder.create()
    from trust_renewal.device_interfaces import InterfaceKeepingSerializer

    skill.serializer = InterfaceKeepingSerializer()  # keeps supportedInterfaces as sent
    return skill
