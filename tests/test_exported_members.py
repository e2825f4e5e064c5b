import claimledger


def test_all_is_sorted_and_complete() -> None:
    assert claimledger.__all__ == sorted(claimledger.__all__)
    for name in claimledger.__all__:
        assert hasattr(claimledger, name), name
    public = {n for n in dir(claimledger) if not n.startswith("_")} - {"annotations", "logging", "errors", "models",
                                                                      "extract", "ingest", "cli", "analyze", "store", "flow",
                                                                      "serve"}
    assert public <= set(claimledger.__all__) | {"extract"}
