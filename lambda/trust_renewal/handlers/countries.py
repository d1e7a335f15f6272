"""Which country the device is in: its time zone when that names one country, else its locale.

A Canadian with an en-US device, or a Briton with an en-GB device in Sydney,
should hear the lines where they are. The device's time zone (Settings API,
kept per device by ``time_zones``) tells Toronto from New York; zones shared by
several countries, and UTC (no zone known), leave the choice to the locale.
Only the countries with crisis lines are named here (safety.json).
"""

from __future__ import annotations

COUNTRY_BY_LOCALE = {"en-US": "US", "en-GB": "GB", "en-CA": "CA", "en-AU": "AU", "en-IN": "IN"}

# IANA zones that belong to exactly one of those countries (tzdata's zone1970.tab
# and its backward links). America/* zones not listed here are left to the locale.
_ZONES_CA = frozenset(
    "America/" + z
    for z in str.split(
        "Toronto Montreal Nipigon Thunder_Bay Rainy_River Atikokan Iqaluit Pangnirtung Vancouver "
        "Edmonton Calgary Cambridge_Bay Inuvik Yellowknife Winnipeg Rankin_Inlet Resolute Regina "
        "Swift_Current Halifax Glace_Bay Moncton Goose_Bay St_Johns Blanc-Sablon Creston "
        "Dawson_Creek Fort_Nelson Whitehorse Dawson"
    )
)
_ZONES_US = frozenset(
    "America/" + z
    for z in str.split(
        "New_York Detroit Chicago Denver Boise Phoenix Los_Angeles Anchorage Juneau Sitka Metlakatla "
        "Yakutat Nome Adak Menominee Indiana/Indianapolis Indiana/Vincennes Indiana/Winamac "
        "Indiana/Marengo Indiana/Petersburg Indiana/Vevay Indiana/Tell_City Indiana/Knox "
        "Kentucky/Louisville Kentucky/Monticello North_Dakota/Center North_Dakota/New_Salem "
        "North_Dakota/Beulah Indianapolis Louisville Fort_Wayne Knox_IN"
    )
) | {"Pacific/Honolulu"}
_EXACT = {
    "Europe/London": "GB",
    "Europe/Belfast": "GB",
    "GB": "GB",
    "GB-Eire": "GB",
    "Asia/Kolkata": "IN",
    "Asia/Calcutta": "IN",
}
_PREFIXES = {"Australia/": "AU", "Canada/": "CA", "US/": "US"}


def country_of_zone(zone: str | None) -> str | None:
    """The country a time zone belongs to, when it names exactly one we know; else None."""
    if not zone:
        return None
    if zone in _EXACT:
        return _EXACT[zone]
    if zone in _ZONES_CA:
        return "CA"
    if zone in _ZONES_US:
        return "US"
    for prefix, country in _PREFIXES.items():
        if zone.startswith(prefix):
            return country
    return None


def country_of(zone: str | None, locale: str | None) -> str:
    """The device's country: from its time zone when that is clear, else from its locale."""
    return country_of_zone(zone) or COUNTRY_BY_LOCALE.get(locale or "en-US", "US")
