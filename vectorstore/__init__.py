"""Where ingested reports live (Chroma) and how they are searched (dense + BM25)."""
