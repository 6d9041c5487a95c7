"""The Textual app: the App, its parts, its widgets and its dialogs."""
