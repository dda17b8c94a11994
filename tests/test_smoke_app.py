from salestui.app import SalesApp


async def test_app_starts(demo_pipeline):
    app = SalesApp(demo_pipeline)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.screen.__class__.__name__ == "BoardScreen"


async def test_keys_queued_after_quit_open_nothing(demo_pipeline):
    """`q` then `e` typed in one burst: the app closes without opening the form."""
    from textual import events

    app = SalesApp(demo_pipeline)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for key in ("q", "e", "n"):
            app.post_message(events.Key(key, key))
        await pilot.pause()
        await pilot.pause()
        assert [type(s).__name__ for s in app.screen_stack][-1] == "BoardScreen"
    assert app.return_code in (0, None)
