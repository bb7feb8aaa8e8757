"""Qt GUI without widgets (QtGui): the report's PDF pages and their charts as vectors.

Shared by the CLI (`report`) and the window; it knows services' report content, never ui/.
"""
