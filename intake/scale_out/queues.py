"""Names of the scale-out runner's tasks and queues, derived from the pipeline's STEPS."""

from __future__ import annotations

from intake.config import Settings
from intake.pipeline import STEPS, Step

# The queue of beat's periodic jobs (channels, clock, outbox, sweeper).
PERIODIC = "periodic"
# Every queue a worker can consume, by short name: one per step, then the periodic jobs.
QUEUES: tuple[str, ...] = (*(step.name for step in STEPS), PERIODIC)


def queue_name(settings: Settings, short_name: str) -> str:
    return f"{settings.queue_prefix}.{short_name}"


def stage_task_name(step: Step) -> str:
    return f"intake.stage.{step.name}"


def periodic_task_name(job_name: str) -> str:
    return f"intake.periodic.{job_name.replace(' ', '_')}"


def step_after(step: Step) -> Step | None:
    position = STEPS.index(step)
    return STEPS[position + 1] if position + 1 < len(STEPS) else None
