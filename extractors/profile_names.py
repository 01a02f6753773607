"""The names of the CMS profiles, with no import: the command line and the sources file
name them before anything that parses a page is loaded (``extractors.profiles`` keeps
one profile under each; a test holds the two equal)."""

PROFILE_NAMES = ("liferay-6.1", "liferay-6.2", "box-news", "vnexpress", "generic")
