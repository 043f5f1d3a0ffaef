"""A small load generator: asyncio and httpx in a process of its own, bounded in time."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx


@dataclass
class Measurement:
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]
    queries: list[int]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]

    @property
    def queries_per_request(self) -> float:
        return statistics.mean(self.queries) if self.queries else 0.0


# A worker makes one measured request with its own client and state and returns the response.
Step = Callable[[httpx.AsyncClient, dict], Awaitable[httpx.Response]]


async def run(clients: list[tuple[httpx.AsyncClient, dict]], step: Step | tuple[Step, ...], *,
              seconds: float, warmup: float = 1.0) -> Measurement:
    """Each client loops `step` until time is up; only requests after the warm-up count.

    A tuple of steps is a sequence each client goes through in turn (a quiz started, then
    submitted): every request in it is timed and counted on its own.
    """
    steps = step if isinstance(step, tuple) else (step,)
    started = time.perf_counter()
    measure_from = started + warmup
    stop_at = measure_from + seconds
    latencies: list[float] = []
    queries: list[int] = []
    errors = 0

    async def worker(client, state):
        nonlocal errors
        while time.perf_counter() < stop_at:
            for part in steps:
                begin = time.perf_counter()
                try:
                    response = await part(client, state)
                    ok = response.status_code < 400
                    count = response.headers.get("X-Query-Count")
                except httpx.HTTPError:
                    ok, count = False, None
                end = time.perf_counter()
                if begin >= measure_from:
                    latencies.append((end - begin) * 1000)
                    if count is not None:
                        queries.append(int(count))
                    if not ok:
                        errors += 1

    await asyncio.gather(*(worker(client, state) for client, state in clients))
    return Measurement(len(latencies), errors, seconds, latencies, queries)
