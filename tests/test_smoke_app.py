from salestui.app import SalesApp


async def test_app_starts(demo_pipeline):
    app = SalesApp(demo_pipeline)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.screen.__class__.__name__ == "BoardScreen"
