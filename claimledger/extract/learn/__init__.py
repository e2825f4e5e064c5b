"""The learned decision layer: the real annotated corpus, features of rule candidates, and the
model that decides among them (trained by ``claimledger train``, shipped as a versioned file)."""
