"""The running application: settings plus the resources every channel and stage shares."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from intake.classifiers import Classifiers, OnTrain, ensure_classifiers
from intake.config import Settings
from workflow.blobs import BlobStore
from workflow.db import make_engine, migrate, schema_is_current, session_factory, unit_of_work
from workflow.directory import sync_organisation
from workflow.org import Organisation, load_organisation


@dataclass
class App:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    blobs: BlobStore
    _organisation: Organisation | None = field(default=None, repr=False)
    _classifiers: Classifiers | None = field(default=None, repr=False)

    @cached_property
    def organisation(self) -> Organisation:
        return self._organisation or load_organisation(self.settings.org_dir)

    def reload_organisation(self) -> Organisation:
        """Re-read the org folder after an edit and mirror it into the database. Raises OrgError
        (and keeps the organisation in use) when the folder is invalid."""
        organisation = load_organisation(self.settings.org_dir)
        # Replacing the cached value is one assignment: a request in flight keeps the old one.
        self._organisation = organisation
        self.__dict__["organisation"] = organisation
        self.sync_organisation()
        return organisation

    def sync_organisation(self) -> None:
        """Mirror the organisation's units and agents into the database for tasks to refer to."""
        with unit_of_work(self.sessions) as session:
            sync_organisation(session, self.organisation)

    @property
    def classifiers(self) -> Classifiers:
        return self._classifiers or self.load_classifiers()

    def load_classifiers(self, on_train: OnTrain | None = None) -> Classifiers:
        """Load the active models, training any missing or stale one (reported to `on_train`)."""
        self._classifiers = ensure_classifiers(self.settings, on_train=on_train)
        return self._classifiers

    def close(self) -> None:
        self.engine.dispose()


def open_app(settings: Settings, *, migrate_schema: bool = True) -> App:
    """Connect to the database (bringing its schema up to date) and the blob store."""
    settings.home.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.resolved_database_url)
    if migrate_schema and not schema_is_current(engine):
        migrate(engine)
    blob_dir: Path = settings.resolved_blob_dir
    return App(settings, engine, session_factory(engine), BlobStore(blob_dir))
