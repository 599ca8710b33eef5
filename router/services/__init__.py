"""Use cases shared by the API, the CLI and (later) jobs: quoting with live departure space,
bookings, departures, the network and its nodes, optimisation runs, API keys.

Plain synchronous functions over a :class:`~router.services.context.ServiceContext` (settings,
database, the loaded network and its compiled handle), free of FastAPI and pydantic: the HTTP
layer turns requests into these calls and their results into responses. They may be CPU-bound;
the API calls them from plain ``def`` handlers, which FastAPI runs in its thread pool.
"""
