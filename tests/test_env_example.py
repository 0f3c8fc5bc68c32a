"""`.env.example` lists every variable the settings read (README: "lists every variable")."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_environment_variable_of_the_settings_is_in_env_example():
    settings = (ROOT / "config" / "settings.py").read_text()
    read = set(re.findall(r"env(?:\.\w+|_bool|_secret)?\(\s*\"([A-Z][A-Z0-9_]+)\"", settings))
    assert {"DEBUG", "DATABASE_URL", "SIGNUP_FORM_CACHE_SECONDS"} <= read  # the pattern finds them
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert sorted(read - listed) == []
