"""Rate limits that hold under concurrency: fixed windows counted atomically (``windows``)."""
