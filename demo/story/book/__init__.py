"""The demo agency's book of business: one module per client, with its roles."""

from demo.story.book import brightwater, halcyon, kestrel, meridian, sierra, tidewater

# In the order the agency signed them, which is the order the story draws their dates in.
_BOOKS = (halcyon, brightwater, sierra, meridian, kestrel, tidewater)
CLIENTS = [book.CLIENT for book in _BOOKS]
ROLES = [role for book in _BOOKS for role in book.ROLES]
# The role filled by the end of the story (its only opening is taken).
FILLED_ROLE = "tidewater-csm"
