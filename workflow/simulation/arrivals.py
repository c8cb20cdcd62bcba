"""The contacts of a simulated period, drawn once from a seeded generator so that every policy
is compared on the very same contacts with the very same handling times."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from workflow.routing import ContactFacts
from workflow.simulation.scenario import Scenario


@dataclass(frozen=True)
class Arrival:
    """One contact as routing sees it, with the time it will take an agent to answer."""

    id: int
    facts: ContactFacts
    handling_minutes: float
    # What the unit expects it to take (the topic's mean): the queue and overflow plan with it.
    expected_minutes: float


def draw_arrivals(scenario: Scenario, timezone: str, days: int, seed: int) -> list[Arrival]:
    """Contacts from `scenario.start` for `days` days, in order of arrival: per day and topic a
    Poisson count around the day's volume, spread over the hours of the day."""
    rng = np.random.default_rng(seed)
    tz = ZoneInfo(timezone)
    hours = np.array(scenario.hours) / sum(scenario.hours)
    drawn: list[tuple[datetime, ContactFacts, float, float]] = []
    for offset in range(days):
        day = scenario.start + timedelta(days=offset)
        for load in scenario.topics:
            factor = scenario.volume_factor(day, load.topic)
            count = int(rng.poisson(load.per_day * factor))
            for moment in _moments(rng, day, tz, hours, count):
                facts = _facts(rng, scenario, load.topic, moment)
                minutes = _handling(rng, load.handling_minutes, scenario.handling_sigma)
                drawn.append((moment, facts, minutes, load.handling_minutes))
    drawn.sort(key=lambda item: (item[0], item[1].topic or ""))
    return [
        Arrival(number, facts, minutes, expected)
        for number, (_, facts, minutes, expected) in enumerate(drawn)
    ]


def _moments(
    rng: np.random.Generator, day: date, tz: ZoneInfo, hours: np.ndarray, count: int
) -> list[datetime]:
    midnight = datetime.combine(day, time(0), tzinfo=tz)
    slots = rng.choice(24, size=count, p=hours)
    seconds = rng.uniform(0, 3600, size=count)
    return [
        midnight + timedelta(hours=int(slot), seconds=float(s))
        for slot, s in zip(slots, seconds, strict=True)
    ]


def _handling(rng: np.random.Generator, mean: float, sigma: float) -> float:
    """Lognormal with the given mean: mu is shifted by sigma^2/2 so the mean stays `mean`."""
    if sigma == 0:
        return mean
    return float(rng.lognormal(math.log(mean) - sigma**2 / 2, sigma))


def _facts(
    rng: np.random.Generator, scenario: Scenario, topic: str, moment: datetime
) -> ContactFacts:
    unsure = rng.random() < scenario.unsure_share
    negative = rng.random() < scenario.negative_share
    return ContactFacts(
        topic=topic,
        # An unsure topic scores under any sensible threshold; a sure one well above.
        topic_score=float(rng.uniform(0.2, 0.45) if unsure else rng.uniform(0.7, 1.0)),
        sentiment="negative" if negative else "neutral",
        sentiment_score=0.8,
        channel="scan" if rng.random() < scenario.scan_share else "email",
        language=None,
        received_at=moment,
        customer_tier="vip" if rng.random() < scenario.vip_share else "standard",
        region=_pick(rng, scenario.regions),
        product=_pick(rng, scenario.products),
    )


def _pick(rng: np.random.Generator, shares: tuple[tuple[str, float], ...]) -> str | None:
    """One of the named values with its share, or None for the remaining share."""
    roll = rng.random()
    for name, share in shares:
        if roll < share:
            return name
        roll -= share
    return None
