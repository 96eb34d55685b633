"""One settings object: flag > environment > project file > default."""

from __future__ import annotations

import pytest

from nbkit.errors import ConfigError
from nbkit.settings import find_project_file, load_settings


@pytest.fixture
def project(tmp_path, monkeypatch):
    for key in [k for k in __import__("os").environ if k.startswith("NBKIT_")]:
        monkeypatch.delenv(key)
    (tmp_path / "nbkit.toml").write_text('warehouse = "wh/x.duckdb"\nbootstrap_days = 5\n'
                                         '[pipeline]\nprocessors = ["procs"]\n')
    (tmp_path / "deep" / "er").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "deep" / "er")
    return tmp_path


def test_defaults_without_project_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NBKIT_PROJECT", raising=False)
    settings = load_settings()
    assert settings.project_file is None
    assert (settings.warehouse, settings.bootstrap_days, settings.workers) == \
        ("warehouse/nba.duckdb", 7, 2)


def test_found_upward_paths_relative_to_the_file(project):
    settings = load_settings()
    assert settings.project_file == project / "nbkit.toml"
    assert settings.warehouse == str(project / "wh" / "x.duckdb")
    assert settings.pipeline.processors == [project / "procs"]


def test_precedence_flag_env_file_default(project, monkeypatch):
    assert load_settings().bootstrap_days == 5
    monkeypatch.setenv("NBKIT_BOOTSTRAP_DAYS", "4")
    assert load_settings().bootstrap_days == 4
    assert load_settings(bootstrap_days=3).bootstrap_days == 3
    assert load_settings(bootstrap_days=None).bootstrap_days == 4  # an unset flag is no flag


def test_pyproject_tool_table(tmp_path, monkeypatch):
    monkeypatch.delenv("NBKIT_PROJECT", raising=False)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.nbkit]\nworkers = 3\n')
    assert load_settings(tmp_path).workers == 3
    assert find_project_file(tmp_path) == tmp_path / "pyproject.toml"


def test_unknown_key_did_you_mean(tmp_path):
    (tmp_path / "nbkit.toml").write_text("bootstrap_dayz = 5\n")
    with pytest.raises(ConfigError, match="unknown key 'bootstrap_dayz'.*did you mean "
                                          "'bootstrap_days'"):
        load_settings(tmp_path)


def test_bad_value_names_file_and_key(tmp_path):
    (tmp_path / "nbkit.toml").write_text("workers = -1\n")
    with pytest.raises(ConfigError, match=r"nbkit.toml: workers: .*greater than or equal to 1"):
        load_settings(tmp_path)


def test_missing_project_and_bad_toml(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "nope")
    with pytest.raises(ConfigError, match="No nbkit.toml"):
        load_settings(tmp_path)
    (tmp_path / "nbkit.toml").write_text("workers = \n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(tmp_path)
