"""Course content: Markdown rendering and the built-in curriculum folder format."""
