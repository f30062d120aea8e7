"""The demo agency of `seed_demo`, planned as a story and replayed through the services.

Nothing here writes a model: every row comes from the services a user's click would
call, so the timeline, the response clocks and the metrics are the ones real use
produces. The story is planned first as dated events and then replayed in date order,
each event with the clock moved to its moment, so a clock opened weeks ago is overdue
now, as it would be had the client really not answered. The plan is drawn from
`random.Random(DEMO_SEED)` and dated relative to the run: two runs tell the same
story, shifted in time.
"""
