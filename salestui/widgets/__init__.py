"""Dumb widgets: data in through constructors and reactives, changes out as Messages."""
