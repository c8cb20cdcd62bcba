"""Refusals of the service layer, each mapped to one HTTP status by the web layer."""

from __future__ import annotations


class ServiceError(Exception):
    """Base of the refusals; the message is written for the person who asked."""

    status_code = 400


class NotFound(ServiceError):
    status_code = 404


class Forbidden(ServiceError):
    status_code = 403


class Refused(ServiceError):
    """The request was understood and allowed, but the work's state does not permit it."""

    status_code = 409
