"""Sandbox state: SQLite (WAL) for records, a blob folder for bytes. Safe to use from any thread."""

from __future__ import annotations

import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    id TEXT PRIMARY KEY,
    filename TEXT NOT NULL,
    purpose TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    seq INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS files_purpose ON files (purpose);
CREATE TABLE IF NOT EXISTS blobs (
    id TEXT PRIMARY KEY,
    media_type TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
"""


def new_id(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(12)}"


@dataclass(frozen=True)
class FileRecord:
    id: str
    filename: str
    purpose: str
    bytes: int
    created_at: int
    expires_at: int | None

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "object": "file",
            "bytes": self.bytes,
            "created_at": self.created_at,
            "filename": self.filename,
            "purpose": self.purpose,
            "status": "processed",
        }
        if self.expires_at is not None:
            data["expires_at"] = self.expires_at
        return data


class Storage:
    """Files and generated blobs (e.g. images served by URL), persisted in `data_dir`."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.blob_dir = self.data_dir / "blobs"
        self.blob_dir.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._write_lock = threading.Lock()
        with self._write_lock:
            db = self._db()
            db.executescript(SCHEMA)

    def _db(self) -> sqlite3.Connection:
        """One connection per thread (sqlite3 connections must not be shared across threads)."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.data_dir / "sandbox.sqlite3", timeout=30, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.row_factory = sqlite3.Row
            self._local.db = db
        return db

    def _blob_path(self, blob_id: str) -> Path:
        if not blob_id.replace("-", "").replace("_", "").isalnum():
            raise KeyError(blob_id)
        return self.blob_dir / blob_id

    # ------------------------------------------------------------ files

    def add_file(
        self, data: bytes, filename: str, purpose: str, expires_after: int | None = None
    ) -> FileRecord:
        file_id = new_id("file")
        now = int(time.time())
        expires_at = now + expires_after if expires_after else None
        path = self._blob_path(file_id)
        path.write_bytes(data)
        with self._write_lock:
            db = self._db()
            seq = db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM files").fetchone()[0]
            db.execute(
                "INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?)",
                (file_id, filename, purpose, len(data), now, expires_at, seq),
            )
        return FileRecord(file_id, filename, purpose, len(data), now, expires_at)

    def get_file(self, file_id: str) -> FileRecord | None:
        row = self._db().execute(
            "SELECT id, filename, purpose, bytes, created_at, expires_at FROM files WHERE id = ?",
            (file_id,),
        ).fetchone()
        return FileRecord(*row) if row else None

    def file_content(self, file_id: str) -> bytes:
        return self._blob_path(file_id).read_bytes()

    def delete_file(self, file_id: str) -> bool:
        with self._write_lock:
            deleted = self._db().execute("DELETE FROM files WHERE id = ?", (file_id,)).rowcount
        if deleted:
            self._blob_path(file_id).unlink(missing_ok=True)
        return bool(deleted)

    def list_files(
        self, purpose: str | None = None, limit: int = 10000, order: str = "desc",
        after: str | None = None,
    ) -> tuple[list[FileRecord], bool]:
        """A page of files and whether more follow."""
        direction = "DESC" if order == "desc" else "ASC"
        clauses, params = [], []
        if purpose:
            clauses.append("purpose = ?")
            params.append(purpose)
        if after:
            row = self._db().execute("SELECT seq FROM files WHERE id = ?", (after,)).fetchone()
            if row is not None:
                clauses.append("seq < ?" if order == "desc" else "seq > ?")
                params.append(row[0])
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self._db().execute(
            "SELECT id, filename, purpose, bytes, created_at, expires_at FROM files "
            f"{where} ORDER BY seq {direction} LIMIT ?",
            (*params, limit + 1),
        ).fetchall()
        return [FileRecord(*row) for row in rows[:limit]], len(rows) > limit

    # ------------------------------------------------------------ blobs (generated output)

    def put_blob(self, data: bytes, media_type: str, prefix: str = "blob") -> str:
        blob_id = new_id(prefix)
        self._blob_path(blob_id).write_bytes(data)
        with self._write_lock:
            self._db().execute(
                "INSERT INTO blobs VALUES (?, ?, ?)", (blob_id, media_type, int(time.time()))
            )
        return blob_id

    def get_blob(self, blob_id: str) -> tuple[bytes, str] | None:
        row = self._db().execute(
            "SELECT media_type FROM blobs WHERE id = ?", (blob_id,)
        ).fetchone()
        if row is None:
            return None
        return self._blob_path(blob_id).read_bytes(), row[0]
