# Loaded by the moto_server the broker starts (local/moto.ts puts this folder on PYTHONPATH).
# moto keeps every item as Python objects; once a table holds about 10,000 items, Python's cyclic garbage collector
# walks them every few requests and stalls the server 300-500 ms each time (facts: docs/moto.md). Collecting the
# youngest generation far less often removes those stalls; moto's garbage is rarely cyclic, so memory stays flat.
import gc

gc.set_threshold(100_000, 1_000, 1_000)
