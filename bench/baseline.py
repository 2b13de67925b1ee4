"""The baseline: a plain LangChain RAG as tutorials build it (raw text, 500-char splits, dense top-4, generic prompt)."""
from __future__ import annotations

import re
import time
from pathlib import Path

from langchain_core.documents import Document
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate

COLLECTION = "baseline-rag"
TOP_K = 4
# The generic "answer from the context" prompt of the LangChain RAG tutorial, with a Chinese line beside it.
PROMPT = ChatPromptTemplate.from_messages([
    ("system", "You are an assistant for question-answering tasks. Use the following pieces of retrieved context "
               "to answer the question. If you don't know the answer, just say that you don't know. Use three "
               "sentences maximum and keep the answer concise.\n"
               "你是问答助手。请根据下面检索到的上下文回答问题。如果不知道答案，就说不知道。回答简洁，最多三句话。"),
    ("human", "Context / 上下文:\n{context}\n\nQuestion / 问题: {question}\nAnswer / 回答:"),
])
_DOES_NOT_KNOW = re.compile(r"不知道|没有找到|无法回答|未提及|没有提及|没有提到|\bnot\b|n't know", re.IGNORECASE)


class BaselineRAG:
    """Fixed-size splits of the raw report in their own Chroma collection, dense retrieval, the local LLM."""

    def __init__(self, persist_directory: Path, embeddings, chat_model=None) -> None:
        from langchain_chroma import Chroma

        self.vectorstore = Chroma(collection_name=COLLECTION, embedding_function=embeddings,
                                  persist_directory=str(persist_directory))
        self.chat_model = chat_model
        self.report = ""

    def ingest(self, path: Path, report_id: str | None = None) -> int:
        """Load the file with LangChain's standard loader, split the raw text (no cleaning, no outline), store."""
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        report_id = report_id or path.stem
        self.report = report_id
        docs = load_documents(path)
        for d in docs:
            d.metadata = {"source": path.name, "report": report_id}
        splitter = RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50)
        splits = splitter.split_documents(docs)
        self.vectorstore.add_documents(splits)
        return len(splits)

    def retrieve(self, question: str, k: int = TOP_K, report: str | None = None) -> list[Document]:
        """Dense-only similarity search (within one report when one is named, as a metadata filter)."""
        return self.vectorstore.similarity_search(question, k=k, filter={"report": report} if report else None)

    def ask(self, question: str, id: str | None = None, report: str | None = None) -> dict:
        """Retrieve, stuff the passages into the prompt, generate; the answer record of the eval README."""
        started = time.perf_counter()
        docs = self.retrieve(question, report=report)
        chain = PROMPT | self.chat_model | StrOutputParser()
        reply = chain.invoke({"context": "\n\n".join(d.page_content for d in docs), "question": question}).strip()
        return {"id": id, "question": question, "answer": reply, "abstained": bool(_DOES_NOT_KNOW.search(reply)),
                "citations": [{"text": d.page_content, "section": "", "report": d.metadata.get("report", self.report)}
                              for d in docs],
                "numbers": [], "mode": "baseline-llm-local",
                "latency_ms": round((time.perf_counter() - started) * 1000, 1)}


def load_documents(path: Path) -> list[Document]:
    """A report file through LangChain's standard loaders: PyPDFLoader, TextLoader, Docx2txtLoader.

    Docx2txtLoader needs the docx2txt package, which this project does not install; without it the DOCX is read
    with python-docx, paragraphs and table rows in document order (what a plain RAG built on it would do).
    """
    from langchain_community.document_loaders import PyPDFLoader, TextLoader

    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return PyPDFLoader(str(path)).load()
    if suffix == ".docx":
        try:
            from langchain_community.document_loaders import Docx2txtLoader

            return Docx2txtLoader(str(path)).load()
        except ImportError:
            return [Document(page_content=_docx_text(path), metadata={"source": str(path)})]
    return TextLoader(str(path), encoding="utf-8").load()


def _docx_text(path: Path) -> str:
    from docx import Document as DocxDocument

    doc = DocxDocument(str(path))
    lines: list[str] = []
    body = doc.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append("".join(t.text or "" for t in child.iter() if t.tag.endswith("}t")))
        elif tag == "tbl":
            for row in child.iter():
                if row.tag.endswith("}tr"):
                    cells = ["".join(t.text or "" for t in cell.iter() if t.tag.endswith("}t"))
                             for cell in row if cell.tag.endswith("}tc")]
                    lines.append("\t".join(cells))
    return "\n".join(lines)
