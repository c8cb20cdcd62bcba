"""One App per operating-system process.

A Celery worker forks its pool children after start-up; database connections must not cross a
fork, so each child opens its own App (engine, sessions, classifiers) the first time it needs one.
"""

from __future__ import annotations

import os
import threading
from dataclasses import replace

from intake.app import App, open_app
from intake.classifiers import Classifiers, ensure_classifiers
from intake.config import Settings


class ProcessApp:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._app: App | None = None
        self._pid: int | None = None
        self._classifiers: Classifiers | None = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        """Load the classifiers once, in the worker's main process: the pool children are
        forked with them in memory instead of each reading them again."""
        classifiers = ensure_classifiers(self.settings)
        # The models set themselves up on their first prediction (about a second); done here,
        # no child pays it again on its first contact.
        languages = list(self.settings.language_list)
        classifiers.topic.predict(["warm-up"] * len(languages), languages)
        classifiers.sentiment.predict(["warm-up"] * len(languages), languages)
        self._classifiers = classifiers

    def get(self) -> App:
        with self._lock:
            if self._app is None or self._pid != os.getpid():
                # The schema is brought up to date by `intake init`, never by a worker: many
                # workers starting at once must not race to migrate.
                app = open_app(self.settings, migrate_schema=False)
                self._app = replace(app, _classifiers=self._classifiers or app._classifiers)
                self._pid = os.getpid()
            return self._app
