"""The service layer: what a signed-in person may see and do, shared by the web pages and the
REST API. Every function takes the acting `Principal` and enforces access itself, so a page
that forgets to hide a link still cannot leak or change another unit's work."""
