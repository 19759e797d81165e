"""Double-entry bookkeeping primitives."""
