"""serve: hand the ledger to people and tools: exports, report, web app."""
