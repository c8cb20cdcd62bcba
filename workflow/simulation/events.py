"""The event loop: a simulated clock and a heap of what happens next.

Contacts arrive and are routed by `workflow.routing.decide_route` (deadline in business hours of
the unit's calendar); agents take the first job of their units' queues in the policy's order
when their calendar is open and they are not away (a substitute serves the units of the colleague
they stand in for); an answer takes its handling time in the agent's business hours. Under a
policy with overflow, a new job and, every `rebalance_minutes`, each queue in deadline order are
checked with production's rule: predicted finish (`predicted_finish`, from the unit's measured
throughput) after the deadline and the backup sooner (`backup_is_sooner`) moves the job.
"""

from __future__ import annotations

import bisect
import heapq
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import IntEnum

from workflow.business_time import BusinessCalendar, business_calendar
from workflow.org_models import Organisation
from workflow.overflow import (
    THROUGHPUT_TTL,
    Throughput,
    backup_is_sooner,
    predicted_finish,
    throughput_from,
)
from workflow.routing import decide_route
from workflow.simulation.arrivals import Arrival
from workflow.simulation.capacity import Staffing
from workflow.simulation.jobs import Job
from workflow.simulation.policies import Policy
from workflow.simulation.queues import UnitQueues

SAMPLE_EVERY = timedelta(hours=1)
# After the last arrival, agents work on until every job is answered, or this long at most.
DRAIN_LIMIT = timedelta(days=28)


class _Kind(IntEnum):
    ARRIVAL = 0
    FINISH = 1
    WAKE = 2
    REBALANCE = 3
    SAMPLE = 4


@dataclass(frozen=True)
class ContactOutcome:
    id: int
    topic: str | None
    unit: str
    original_unit: str | None
    priority: int
    arrived_at: datetime
    due_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    agent: str | None
    handling_minutes: float

    @property
    def met_deadline(self) -> bool:
        return self.finished_at is not None and self.finished_at <= self.due_at


@dataclass(frozen=True)
class BacklogSample:
    at: datetime
    # Jobs waiting per unit (not yet taken by an agent).
    waiting: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class SimulationResult:
    policy: Policy
    start: datetime
    end: datetime
    outcomes: tuple[ContactOutcome, ...]
    backlog: tuple[BacklogSample, ...]
    events: int
    overflow_moves: int


def simulate(
    org: Organisation,
    arrivals: list[Arrival],
    policy: Policy,
    start: datetime,
    end: datetime,
    rebalance_minutes: float = 30.0,
) -> SimulationResult:
    """Run `arrivals` (between `start` and `end`) through routing and the queues under
    `policy` until every contact is answered (or DRAIN_LIMIT after `end`)."""
    return _Simulation(org, policy, start, end, rebalance_minutes).run(arrivals)


class _Simulation:
    def __init__(
        self,
        org: Organisation,
        policy: Policy,
        start: datetime,
        end: datetime,
        rebalance_minutes: float,
    ) -> None:
        self.org = org
        self.policy = policy
        self.start = start.astimezone(UTC)
        self.end = end.astimezone(UTC)
        self.rebalance_every = timedelta(minutes=rebalance_minutes)
        self.staffing = Staffing(org)
        self.queues = UnitQueues(policy)
        self.clock = self.start
        self._heap: list[tuple[float, int, int, object]] = []
        self._seq = 0
        self.events = 0
        self.jobs: list[Job] = []
        self.unfinished = 0
        # Agents with nothing to do while on shift: an arrival in their units wakes them. Looked
        # at in the file order of agents.yaml, never in set order, which changes per process.
        self.agent_ids = tuple(a.id for a in org.agents)
        self.idle: set[str] = set()
        self.waking: set[str] = set()
        self.done_at: dict[str, list[datetime]] = {}
        self._rates: dict[str, tuple[datetime, Throughput]] = {}
        self.samples: list[BacklogSample] = []
        self.moves = 0

    # -- the loop ---------------------------------------------------------------------------

    def run(self, arrivals: list[Arrival]) -> SimulationResult:
        for arrival in arrivals:
            self._at(arrival.facts.received_at, _Kind.ARRIVAL, arrival)
        self.unfinished = len(arrivals)
        for agent in self.org.agents:
            self._wake_at(self.start, agent.id)
        self._at(self.start, _Kind.SAMPLE, None)
        if self.policy.overflow:
            self._at(self.start + self.rebalance_every, _Kind.REBALANCE, None)
        stop = self.end + DRAIN_LIMIT
        while self._heap:
            moment, _, kind, payload = heapq.heappop(self._heap)
            self.clock = datetime.fromtimestamp(moment, UTC)
            if self.clock > stop or (self.unfinished == 0 and self.clock >= self.end):
                break
            self.events += 1
            self._handle(_Kind(kind), payload)
        self._sample()
        return self._result()

    def _handle(self, kind: _Kind, payload: object) -> None:
        if kind is _Kind.ARRIVAL:
            assert isinstance(payload, Arrival)
            self._arrive(payload)
        elif kind is _Kind.FINISH:
            assert isinstance(payload, tuple)
            self._finish(*payload)
        elif kind is _Kind.WAKE:
            assert isinstance(payload, str)
            self.waking.discard(payload)
            self._work(payload)
        elif kind is _Kind.REBALANCE:
            self._rebalance()
            self._at(self.clock + self.rebalance_every, _Kind.REBALANCE, None)
        else:
            self._sample()
            self._check_idle()
            self._at(self.clock + SAMPLE_EVERY, _Kind.SAMPLE, None)

    def _at(self, moment: datetime, kind: _Kind, payload: object) -> None:
        self._seq += 1
        heapq.heappush(self._heap, (moment.timestamp(), self._seq, int(kind), payload))

    # -- contacts ---------------------------------------------------------------------------

    def _arrive(self, arrival: Arrival) -> None:
        decision = decide_route(arrival.facts, self.org)
        job = Job(
            id=arrival.id,
            topic=decision.topic,
            unit=decision.unit,
            priority=decision.priority,
            arrived_at=self.clock,
            due_at=decision.deadline_at.astimezone(UTC),
            handling_minutes=arrival.handling_minutes,
            expected_minutes=arrival.expected_minutes,
        )
        self.jobs.append(job)
        if self.policy.overflow:
            self._place(job)
        self.queues.push(job)
        self._wake_unit(job.unit)

    def _finish(self, agent: str, job: Job) -> None:
        job.finished_at = self.clock
        self.queues.finished(job)
        self.unfinished -= 1
        self.done_at.setdefault(job.unit, []).append(self.clock)
        self._work(agent)

    # -- agents -----------------------------------------------------------------------------

    def _work(self, agent: str) -> bool:
        """The agent takes the next job if on shift (True), else sleeps until their next
        opening."""
        calendar = self.staffing.calendar(agent)
        day = self.clock.astimezone(calendar.tz).date()
        units = self.staffing.units_served(agent, day)
        if not units or not calendar.is_open(self.clock):
            self.idle.discard(agent)
            self._wake_at(self._next_shift(calendar, day, bool(units)), agent)
            return False
        job = self.queues.take_best(units, self.clock)
        if job is None:
            self.idle.add(agent)
            return False
        self.idle.discard(agent)
        job.started_at, job.agent = self.clock, agent
        finish = calendar.add_business_hours(self.clock, job.handling_minutes / 60)
        self._at(finish, _Kind.FINISH, (agent, job))
        return True

    def _next_shift(self, calendar: BusinessCalendar, day: date, works_today: bool) -> datetime:
        if works_today:
            return calendar.next_opening(self.clock)
        tomorrow = datetime.combine(day + timedelta(days=1), datetime.min.time(), calendar.tz)
        return calendar.next_opening(tomorrow)

    def _wake_at(self, moment: datetime, agent: str) -> None:
        if agent not in self.waking:
            self.waking.add(agent)
            self._at(moment, _Kind.WAKE, agent)

    def _wake_unit(self, unit: str) -> None:
        """Idle agents who serve `unit` today look at the queue again."""
        for agent in self._idle_in_order():
            calendar = self.staffing.calendar(agent)
            day = self.clock.astimezone(calendar.tz).date()
            if unit in self.staffing.units_served(agent, day) and self._work(agent):
                return

    def _check_idle(self) -> None:
        """Idle agents whose shift has ended go to sleep until their next one (an arrival
        would tell them too, but after the last arrival none comes)."""
        for agent in self._idle_in_order():
            self._work(agent)

    def _idle_in_order(self) -> list[str]:
        return [agent for agent in self.agent_ids if agent in self.idle]

    # -- overflow ---------------------------------------------------------------------------

    def _place(self, job: Job) -> None:
        """Production's `place_task` for a new job: to the backup when only it can be in time."""
        backup = self.org.unit(job.unit).backup
        if backup is not None:
            ahead = self.queues.ahead(job.unit, job.due_at.timestamp())
            self._move_if_sooner(job, backup, ahead, 0, waiting=False)

    def _rebalance(self) -> None:
        """Production's `_overflow_unit` for every unit with a backup: walk the queue in
        deadline order; a job's place is its index minus what moved before it (jobs being
        worked on keep their place in the queue but do not move)."""
        for unit in self.org.units:
            if unit.backup is None or not self.queues.waiting(unit.code):
                continue
            moved = 0
            for index, job in enumerate(self.queues.in_deadline_order(unit.code)):
                place = index + self.queues.busy_before(job)
                if job.original_unit is None and self._move_if_sooner(
                    job, unit.backup, place - moved, moved, waiting=True
                ):
                    moved += 1

    def _move_if_sooner(
        self, job: Job, backup: str, ahead: int, moved_to_backup: int, waiting: bool
    ) -> bool:
        here = predicted_finish(
            self.org, self._rate(job.unit), ahead, job.expected_minutes, self.clock
        )
        if here is not None and here <= job.due_at:
            return False
        backup_ahead = self.queues.ahead(backup, job.due_at.timestamp()) + moved_to_backup
        there = predicted_finish(
            self.org, self._rate(backup), backup_ahead, job.expected_minutes, self.clock
        )
        if not backup_is_sooner(here, there, job.due_at):
            return False
        if waiting:
            self.queues.move(job, backup)
            self._wake_unit(backup)
        else:
            job.original_unit, job.unit = job.unit, backup
        self.moves += 1
        return True

    def _rate(self, unit: str) -> Throughput:
        """Production's throughput: answers over the window, measured at most every
        THROUGHPUT_TTL; the window starts no earlier than the simulation (no history before)."""
        cached = self._rates.get(unit)
        if cached is not None and self.clock - cached[0] < THROUGHPUT_TTL:
            return cached[1]
        since = max(self.clock - timedelta(days=self.org.overflow.window_days), self.start)
        done_times = self.done_at.get(unit, [])
        done = len(done_times) - bisect.bisect_left(done_times, since)
        calendar = business_calendar(self.org.calendar(self.org.unit(unit).calendar))
        rate = throughput_from(
            self.org, unit, done, calendar.business_hours_between(since, self.clock)
        )
        self._rates[unit] = (self.clock, rate)
        return rate

    # -- results ----------------------------------------------------------------------------

    def _sample(self) -> None:
        waiting = tuple((u.code, self.queues.waiting(u.code)) for u in self.org.units)
        self.samples.append(BacklogSample(self.clock, waiting))

    def _result(self) -> SimulationResult:
        outcomes = tuple(
            ContactOutcome(
                j.id,
                j.topic,
                j.unit,
                j.original_unit,
                j.priority,
                j.arrived_at,
                j.due_at,
                j.started_at,
                j.finished_at,
                j.agent,
                j.handling_minutes,
            )
            for j in self.jobs
        )
        return SimulationResult(
            self.policy,
            self.start,
            self.end,
            outcomes,
            tuple(self.samples),
            self.events,
            self.moves,
        )
