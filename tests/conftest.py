import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(autouse=True)
def _private_cache_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """CLI runs in tests never read or write the user's resilint cache."""
    monkeypatch.setenv("RESILINT_CACHE_DIR", str(tmp_path_factory.mktemp("resilint-cache")))
