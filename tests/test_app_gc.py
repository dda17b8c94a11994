"""Full garbage collections wait until the keys are quiet."""

from __future__ import annotations

import gc

from salestui.app import FULL_COLLECTION_NEVER, IDLE_COLLECT, SalesApp
from salestui.store import Pipeline


async def test_full_collections_run_only_once_the_keys_are_quiet(pipeline: Pipeline) -> None:
    threshold = gc.get_threshold()
    app = SalesApp(pipeline)
    try:
        async with app.run_test() as pilot:
            await pilot.pause()
            assert gc.get_threshold() == threshold, "headless (test) apps leave the collector be"
            app.collect_garbage_when_idle()
            assert gc.get_threshold()[2] == FULL_COLLECTION_NEVER
            assert gc.get_freeze_count() > 0, "what start-up built is set aside"
            gc.collect(1)  # garbage waiting for a full collection
            await pilot.press("j")
            app._collect_if_idle()
            assert gc.get_count()[2] > 0, "no full collection right after a key"
            app._last_input -= IDLE_COLLECT
            app._collect_if_idle()
            assert gc.get_count()[2] == 0, "a full collection once the keys are quiet"
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
