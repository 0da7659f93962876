"""The application platform: serving and RAG services rendered from the Design's apps intent."""
