"""Run ready nodes concurrently, bounded per resource, saving after each node.

The scheduler knows nothing of drama: a Job says how to make one kind of node,
which resource it uses and how it grows the graph once done.
"""

from __future__ import annotations

import heapq
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from reelwright.errors import describe_error
from reelwright.events import EventLog, now_iso
from reelwright.plan import Plan, _natural_key

S = TypeVar("S")


@dataclass
class NodeContext(Generic[S]):
    """What a job sees: its node, a locked view of the plan, and the run's services.

    The scheduler does not know what the services are; the recipe's agents see them
    typed (see reelwright/context.py).
    """

    node_id: str
    plan: Plan
    lock: threading.RLock
    events: EventLog
    agent: str
    services: S
    save: Callable[[Plan], None] | None = None

    def payload(self, node_id: str) -> Any:
        with self.lock:
            return self.plan.payload(node_id)

    def ids(self, kind: str | None = None) -> list[str]:
        with self.lock:
            return self.plan.ids(kind)

    def inputs(self, kind: str | None = None) -> list[str]:
        with self.lock:
            ids = self.plan.inputs(self.node_id)
            return [i for i in ids if kind is None or self.plan.node(i)["kind"] == kind]

    def set_payload(self, node_id: str, payload: Any) -> None:
        """For loops that revise another node's artifact (the critique loop)."""
        with self.lock:
            data = self.plan.node(node_id)
            data["payload"] = payload
            data["version"] += 1
            self.plan.touch(node_id)

    def checkpoint(self, data: dict[str, Any]) -> None:
        """Store partial state on the running node (a paid task's id) and save the plan now,
        so a kill after this point resumes from it instead of starting over."""
        with self.lock:
            self.plan.node(self.node_id)["partial"] = data
            self.plan.touch(self.node_id)
            if self.save is not None:
                self.save(self.plan)

    def partial(self) -> dict[str, Any] | None:
        with self.lock:
            found: dict[str, Any] | None = self.plan.node(self.node_id).get("partial")
            return found

    def emit(self, type: str, **fields: Any) -> int:
        fields.setdefault("agent", self.agent)
        fields.setdefault("node", self.node_id)
        return self.events.emit(type, **fields)


@dataclass
class Job:
    """How to make one kind of node."""

    run: Callable[[NodeContext[Any]], Any]
    resource: str = "cpu"
    expand: Callable[[Plan, str], None] | None = None
    salt: Any = None


@dataclass
class Outcome:
    done: int = 0
    failed: list[str] = field(default_factory=list)
    skipped: int = 0
    gate: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed and self.gate is None


Gate = Callable[[Plan], str | None]
Listener = Callable[[str, str, Plan], None]


class Scheduler(Generic[S]):
    def __init__(
        self,
        plan: Plan,
        jobs: dict[str, Job],
        events: EventLog,
        *,
        limits: dict[str, int] | None = None,
        save: Callable[[Plan], None] | None = None,
        services: S,
        gate: Gate | None = None,
        listener: Listener | None = None,
        executor: Executor | None = None,
        kinds: frozenset[str] | None = None,
        hold: Callable[[Plan, str], bool] | None = None,
    ) -> None:
        self.plan = plan
        self.jobs = jobs
        self.events = events
        self.limits = {"cpu": 2, **(limits or {})}
        self.save = save or (lambda plan: None)
        self.services = services
        self.gate = gate
        self.listener = listener or (lambda node, status, plan: None)
        self.lock = threading.RLock()
        self.executor = executor
        self.kinds = kinds  # run only nodes of these kinds (None: all); the rest stay pending
        # a ready node it holds back waits for the next run (paid work before the spend gate)
        self.hold = hold
        # Where to look for ready work: what changed, and what a finished node feeds.
        # Scanning the whole graph after every node would cost the square of its size.
        self._touched = plan.watch()
        self._candidates: set[str] = set()
        self._queues: dict[str, list[tuple[Any, str]]] = {}  # resource -> heap by story order
        self._queued: set[str] = set()

    def salts(self) -> dict[str, Any]:
        return {kind: job.salt for kind, job in self.jobs.items()}

    def run(self) -> Outcome:
        started = time.monotonic()
        outcome = Outcome()
        with self.lock:
            for node in self.plan.iter_nodes():
                if node["status"] in ("running", "ready", "failed"):
                    node["status"] = "stale" if node["payload"] is not None else "pending"
            self.plan.refresh(self.salts())
            self.save(self.plan)
            self._candidates = set(self.plan.g.nodes)
            self._touched.clear()
        busy: dict[str, int] = {}
        running: dict[Future[Any], tuple[str, str, float]] = {}
        stop = False
        with ThreadPoolExecutor(max_workers=max(4, sum(self.limits.values()))) as threads:
            pool = self.executor.bind(threads) if self.executor else _Threads(threads)
            while True:
                if not stop:
                    self._submit_ready(pool, running, busy, outcome)
                if not running:
                    break
                finished, _ = wait(list(running), return_when=FIRST_COMPLETED)
                for future in finished:
                    node_id, resource, t0 = running.pop(future)
                    busy[resource] -= 1
                    self._finish(node_id, future, time.monotonic() - t0, outcome)
                if self.gate and not stop:
                    with self.lock:
                        outcome.gate = self.gate(self.plan)
                    stop = outcome.gate is not None
        outcome.seconds = time.monotonic() - started
        return outcome

    def _is_ready(self, node_id: str) -> bool:
        nodes = self.plan.g.nodes
        data = nodes.get(node_id)
        return (
            data is not None
            and data["status"] in ("pending", "stale", "ready")
            and (self.kinds is None or data["kind"] in self.kinds)
            and all(nodes[p]["status"] == "done" for p in self.plan.g.predecessors(node_id))
        )

    def _collect(self, outcome: Outcome) -> None:
        """Queue the candidates that are ready, per resource; skip the unchanged ones.

        A candidate that is not ready leaves the set until one of its inputs
        finishes (which puts it back), so each node is looked at a few times per
        run, not once per finished node.
        """
        while self._candidates or self._touched:
            batch = self._candidates | self._touched
            self._candidates = set()
            self._touched.clear()
            for node_id in sorted(batch, key=_natural_key):
                if node_id in self._queued or not self._is_ready(node_id):
                    continue
                node = self.plan.node(node_id)
                job = self.jobs[node["kind"]]
                if self._unchanged(node_id, job):
                    node["status"] = "done"
                    self.plan.touch(node_id)
                    self._candidates.update(self.plan.g.successors(node_id))
                    outcome.skipped += 1
                    self._after(node_id, job)
                    continue
                queue = self._queues.setdefault(job.resource, [])
                heapq.heappush(queue, (_natural_key(node_id), node_id))
                self._queued.add(node_id)

    def _pick(self, busy: dict[str, int]) -> list[tuple[str, Job, str, str]]:
        """Take queued nodes, in story order, while their resource has a free slot."""
        picked = []
        for resource, queue in self._queues.items():
            while queue and busy.get(resource, 0) < self.limits.get(resource, 1):
                _, node_id = heapq.heappop(queue)
                self._queued.discard(node_id)
                if not self._is_ready(node_id):
                    continue  # an input went stale while it waited; it comes back when redone
                if self.hold is not None and self.hold(self.plan, node_id):
                    continue
                busy[resource] = busy.get(resource, 0) + 1
                node = self.plan.node(node_id)
                node["status"] = "running"
                node["started_at"] = now_iso()
                picked.append((node_id, self.jobs[node["kind"]], node["owner"], node["kind"]))
        return picked

    def _submit_ready(
        self,
        pool: Submitter,
        running: dict[Future[Any], tuple[str, str, float]],
        busy: dict[str, int],
        outcome: Outcome,
    ) -> None:
        while True:
            with self.lock:
                self._collect(outcome)
                picked = self._pick(busy)
            if not picked:
                return
            for node_id, job, agent, kind in picked:
                self.events.emit("node_started", agent=agent, node=node_id, kind=kind)
                self.listener(node_id, "running", self.plan)
                ctx: NodeContext[S] = NodeContext(
                    node_id, self.plan, self.lock, self.events, agent, self.services, self.save
                )
                future = pool.submit(job, ctx)
                running[future] = (node_id, job.resource, time.monotonic())

    def _unchanged(self, node_id: str, job: Job) -> bool:
        """Early cutoff: a stale node whose inputs came back identical needs no work."""
        node = self.plan.node(node_id)
        return (
            node["status"] == "stale"
            and node["payload"] is not None
            and node["inputs_hash"] == self.plan.compute_inputs_hash(node_id, job.salt)
        )

    def _finish(self, node_id: str, future: Future[Any], seconds: float, outcome: Outcome) -> None:
        with self.lock:
            node = self.plan.node(node_id)
            job = self.jobs[node["kind"]]
            error = future.exception()
            node["finished_at"] = now_iso()
            if error is None:
                node["payload"] = _plain(future.result())
                node["status"] = "done"
                node["error"] = None
                node.pop("partial", None)  # the payload now holds what the partial state led to
                node["version"] += 1
                node["inputs_hash"] = self.plan.compute_inputs_hash(node_id, job.salt)
                outcome.done += 1
                self._after(node_id, job)
            else:
                node["status"] = "failed"
                node["error"] = describe_error(error)
                outcome.failed.append(node_id)
            self.plan.touch(node_id)
            self._candidates.update(self.plan.g.successors(node_id))
            self.save(self.plan)
            kind, owner, version = node["kind"], node["owner"], node["version"]
        if error is None:
            seq = self.events.emit(
                "node_done",
                agent=owner,
                node=node_id,
                kind=kind,
                seconds=round(seconds, 3),
                version=version,
            )
            with self.lock:
                node["made_by"] = [*node["made_by"], seq][-20:]
                self.plan.touch(node_id)
        else:
            self.events.emit(
                "node_failed", agent=owner, node=node_id, kind=kind, error=str(node["error"])
            )
        self.listener(node_id, node["status"], self.plan)

    def _after(self, node_id: str, job: Job) -> None:
        """Grow the graph from a finished node and mark what its new output made stale."""
        if job.expand is not None:
            job.expand(self.plan, node_id)
        for child in self.plan.outputs(node_id):
            child_node = self.plan.node(child)
            if child_node["status"] == "done":
                expected = self.plan.compute_inputs_hash(child, self.jobs[child_node["kind"]].salt)
                if child_node["inputs_hash"] != expected:
                    self.plan.mark_stale([child])


class Submitter(Protocol):
    def submit(self, job: Job, ctx: NodeContext[Any]) -> Future[Any]: ...


class Executor(Protocol):
    """Where jobs run: threads in this process (the default), or a Ray cluster."""

    def bind(self, threads: ThreadPoolExecutor) -> Submitter: ...


class _Threads:
    def __init__(self, threads: ThreadPoolExecutor) -> None:
        self.threads = threads

    def submit(self, job: Job, ctx: NodeContext[Any]) -> Future[Any]:
        return self.threads.submit(job.run, ctx)


def _plain(payload: Any) -> Any:
    """Payloads are stored as JSON: pydantic models become dicts."""
    if hasattr(payload, "model_dump"):
        return payload.model_dump(mode="json")
    return payload
