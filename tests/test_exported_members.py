import types

import claimledger


def test_all_is_sorted_and_complete() -> None:
    assert claimledger.__all__ == sorted(claimledger.__all__)
    for name in claimledger.__all__:
        assert hasattr(claimledger, name), name
    # Subpackages appear as attributes once anything imports them (the CLI, a test): they are
    # modules, not members; every other public name must be exported.
    public = {n for n in dir(claimledger) if not n.startswith("_")
              and not isinstance(getattr(claimledger, n), types.ModuleType)} - {"annotations"}
    assert public <= set(claimledger.__all__)
