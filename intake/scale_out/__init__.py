"""The scale-out runner: PostgreSQL holds the truth, Celery (Redis broker) carries the work.

Every pipeline step is a Celery task carrying contact ids and running the same step function as
the embedded runner (`intake.pipeline.run_step`); a task that advanced its contacts sends them on
to the next step. Celery beat runs the receiving channels, the escalation clock, the outbox, the
queue rebalancer and the sweeper, which re-sends contacts whose stage has not moved. Idempotent
steps make a repeated message harmless.
"""
