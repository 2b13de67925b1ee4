"""Report file -> clean text -> outline -> chunks + figures. See pipeline.py for the flow."""
