"""Settings come from intake.toml and INTAKE_* variables, and a wrong line says where it is."""

from __future__ import annotations

from pathlib import Path

import pytest

from intake.config import ConfigError, load_settings, settings_reference_markdown
from tests.conftest import REPO


def test_environment_wins_over_the_file(tmp_path: Path) -> None:
    config = tmp_path / "intake.toml"
    config.write_text('workers = 4\nocr_languages = "eng"\n')
    settings = load_settings(config, environ={"INTAKE_WORKERS": "8"})
    assert (settings.workers, settings.ocr_languages) == (8, "eng")


def test_defaults_put_everything_under_var() -> None:
    settings = load_settings(environ={})
    assert settings.resolved_database_url == "sqlite:///var/intake.db"
    assert settings.resolved_blob_dir == Path("var/blobs")


def test_a_misspelt_setting_names_the_file_and_suggests_the_right_one(tmp_path: Path) -> None:
    config = tmp_path / "intake.toml"
    config.write_text("max_attempt = 3\n")
    with pytest.raises(
        ConfigError,
        match=r"intake.toml: unknown setting 'max_attempt' \(did you mean 'max_attempts'\?\)",
    ):
        load_settings(config, environ={})


def test_a_wrong_type_names_the_variable_and_the_value() -> None:
    with pytest.raises(
        ConfigError, match="INTAKE_WORKERS: setting 'workers': expected a whole number, got 'two'"
    ):
        load_settings(environ={"INTAKE_WORKERS": "two"})


def test_broken_toml_is_reported_with_the_file(tmp_path: Path) -> None:
    config = tmp_path / "intake.toml"
    config.write_text("workers = = 3\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(config, environ={})


def test_a_named_config_file_that_is_missing_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="configuration file not found"):
        load_settings(environ={"INTAKE_CONFIG": str(tmp_path / "nope.toml")})


def test_the_configuration_doc_lists_every_setting_as_the_code_declares_it() -> None:
    doc = (REPO / "docs" / "configuration.md").read_text()
    assert settings_reference_markdown() in doc
