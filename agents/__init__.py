"""The agents: writer, director, cinematographer, editor, critics, showrunner."""
