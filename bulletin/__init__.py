"""The ``bulletin`` command (``bulletin.cli``) and the one exception tree every layer
raises from (``bulletin.errors``). Light on purpose: importing it loads neither Prefect
nor BeautifulSoup."""
