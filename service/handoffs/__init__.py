"""Messages handed to a person (微信留言): the use cases (services), the staff API (views)."""
