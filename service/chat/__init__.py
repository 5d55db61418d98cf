"""The conversation with a resident: one turn (turn.handle), the dialogue behind its ports, the form's
fields and prompts, village matching, reminders and the lapsed-form sweep."""
