"""Messaging (kombu): the outbox publisher, adapter workers, results and CloudEvents.

Jobs and domain events leave only through the transactional outbox; see
:mod:`.connection` for the exchanges and queues, :mod:`.publisher`, :mod:`.worker`,
:mod:`.results`, :mod:`.cloudevents`, and :mod:`.runtime` for running them in-process.
Nothing here connects at import time.
"""
