"""The run's plan on disk: SQLite in WAL mode, written a few rows at a time.

Rewriting plan.json after every node costs time that grows with the graph (an
80-episode series is about 6,000 nodes), so the total grows with the square of
the series. Here each save writes only the nodes that changed since the last
one, in one transaction: a kill -9 at any moment leaves the last committed
state. plan.json stays the readable export (networkx node-link JSON), written
at the end of a run, at a review gate, before and after a revision and by undo.

Which one is current: the store records the size and mtime of the plan.json it
last exported. If plan.json no longer matches (undo put an older one back, a
person edited it, or the run predates the store), plan.json wins and the store
is rebuilt from it on the next save.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

from reelwright.plan import Plan

DB_NAME = "plan.sqlite"
# the store and its WAL side files: never copied into a version, never deleted by undo
DB_FILES = (DB_NAME, f"{DB_NAME}-wal", f"{DB_NAME}-shm")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS nodes(id TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS edges(
  src TEXT NOT NULL, dst TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY(src, dst));
CREATE INDEX IF NOT EXISTS edges_dst ON edges(dst);
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), default=str)


def _stamp(path: Path) -> str:
    """Size and mtime of plan.json: cheap, and changed by any rewrite or copy back."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return "absent"
    return f"{st.st_size}:{st.st_mtime_ns}"


class PlanStore:
    """One run's plan store. Keep one per writing process; readers use load_plan."""

    def __init__(self, run_path: Path) -> None:
        self.run_path = Path(run_path)
        self.db_path = self.run_path / DB_NAME
        self.json_path = self.run_path / "plan.json"
        self._db: sqlite3.Connection | None = None
        self._plan: Plan | None = None
        self._dirty: set[str] = set()
        self._edges: dict[str, dict[str, str]] = {}  # in-edges as last written, by target
        self._graph = ""  # the graph attributes as last written
        self._lock = threading.Lock()

    # --- connection -----------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            db = sqlite3.connect(self.db_path, check_same_thread=False, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            # NORMAL in WAL mode: a commit is in the OS before it returns (safe against
            # kill -9); only a power cut can lose the last few, which resume redoes.
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(_SCHEMA)
            self._db = db
        return self._db

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None
            self._plan = None

    # --- writing --------------------------------------------------------------

    def save(self, plan: Plan) -> None:
        """Write what changed since the last save (everything, the first time)."""
        with self._lock:
            if plan is not self._plan:
                self._sync_all(plan)
                return
            changed = list(self._dirty)
            self._dirty.clear()
            gone = {n for n in changed if n not in plan.g}
            rows, cut, added = self._rows(plan, [n for n in changed if n not in gone])
            graph = _dumps(plan.g.graph)
            # a fixed handful of calls per save, whatever it writes: each call hands the
            # GIL to the agents' threads and waits to get it back
            db = self._conn()
            db.execute("BEGIN")
            try:
                db.executemany("DELETE FROM nodes WHERE id=?", ((n,) for n in gone))
                db.executemany("DELETE FROM edges WHERE src=? OR dst=?", ((n, n) for n in gone))
                db.executemany(
                    "INSERT INTO nodes VALUES(?, ?) ON CONFLICT(id) DO UPDATE SET "
                    "data=excluded.data",  # an upsert keeps the row's place, and so the order
                    rows,
                )
                db.executemany("DELETE FROM edges WHERE src=? AND dst=?", cut)
                db.executemany("INSERT INTO edges VALUES(?, ?, ?)", added)
                if graph != self._graph:
                    db.execute("INSERT OR REPLACE INTO meta VALUES('graph', ?)", (graph,))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                self._plan = None  # the next save writes everything again
                raise
            self._graph = graph
            if gone:  # rare (a regenerated artifact implies fewer nodes): one pass
                for node_id in gone:
                    self._edges.pop(node_id, None)
                for written in self._edges.values():
                    for node_id in gone & written.keys():
                        del written[node_id]

    def export(self, plan: Plan) -> None:
        """The store in full, then plan.json (atomic), then the stamp that ties them."""
        with self._lock:
            self._sync_all(plan)
            plan.save(self.json_path)
            db = self._conn()
            db.execute(
                "INSERT OR REPLACE INTO meta VALUES('json_stamp', ?)", (_stamp(self.json_path),)
            )

    def _sync_all(self, plan: Plan) -> None:
        db = self._conn()
        if plan is not self._plan:
            self._plan = plan
            self._dirty = plan.watch()
        self._dirty.clear()
        db.execute("BEGIN")
        try:
            db.execute("DELETE FROM nodes")
            db.execute("DELETE FROM edges")
            for node_id in plan.g.nodes:
                db.execute(
                    "INSERT INTO nodes VALUES(?, ?)", (node_id, _dumps(plan.g.nodes[node_id]))
                )
            self._edges = {}
            for src, dst, attrs in plan.g.edges(data=True):
                self._edges.setdefault(dst, {})[src] = _dumps(attrs)
            db.executemany(
                "INSERT INTO edges VALUES(?, ?, ?)",
                ((src, dst, data) for dst, row in self._edges.items() for src, data in row.items()),
            )
            self._graph = _dumps(plan.g.graph)
            db.execute("INSERT OR REPLACE INTO meta VALUES('graph', ?)", (self._graph,))
            db.execute(
                "INSERT OR REPLACE INTO meta VALUES('json_stamp', ?)", (_stamp(self.json_path),)
            )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            self._plan = None
            self._edges = {}
            raise

    def _rows(
        self, plan: Plan, node_ids: list[str]
    ) -> tuple[list[tuple[str, str]], list[tuple[str, str]], list[tuple[str, str, str]]]:
        """Node rows to upsert, and the in-edges to delete and insert: only the difference
        (the critique gains one input per scene; rewriting all would grow with the series)."""
        rows, cut, added = [], [], []
        for node_id in node_ids:
            rows.append((node_id, _dumps(plan.g.nodes[node_id])))
            edges = {s: _dumps(plan.g.edges[s, node_id]) for s in plan.g.predecessors(node_id)}
            written = self._edges.get(node_id, {})
            cut += [(s, node_id) for s, data in written.items() if edges.get(s) != data]
            added += [(s, node_id, data) for s, data in edges.items() if written.get(s) != data]
            self._edges[node_id] = edges
        return rows, cut, added


def load_plan(run_path: Path) -> Plan:
    """The run's current plan: the store where it is current, else plan.json, else empty."""
    run_path = Path(run_path)
    json_path = run_path / "plan.json"
    data = _read_store(run_path / DB_NAME, _stamp(json_path))
    if data is not None:
        return Plan.from_json(data)
    if json_path.exists():
        return Plan.load(json_path)
    return Plan()


def _read_store(db_path: Path, json_stamp: str) -> dict[str, Any] | None:
    """The store as node-link data, or None when absent, unfinished or older than plan.json."""
    if not db_path.exists():
        return None
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        if "graph" not in meta or meta.get("json_stamp") != json_stamp:
            return None
        nodes = [
            {**json.loads(data), "id": node_id}
            for node_id, data in db.execute("SELECT id, data FROM nodes ORDER BY rowid")
        ]
        edges = [
            {**json.loads(data), "source": src, "target": dst}
            for src, dst, data in db.execute("SELECT src, dst, data FROM edges ORDER BY rowid")
        ]
    except sqlite3.DatabaseError:
        return None  # an unreadable store: plan.json is the fallback
    finally:
        db.close()
    return {
        "directed": True,
        "multigraph": False,
        "graph": json.loads(meta["graph"]),
        "nodes": nodes,
        "edges": edges,
    }
