"""The marketplace's web pages (server-rendered, bilingual) and the OpenAPI reference."""
