"""The unit of work: one connection, one transaction, committed only when asked."""
from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from domain.errors import Conflict, DependencyUnavailable
from domain.store.api_keys import ApiKeyStore
from domain.store.articles import ArticleStore
from domain.store.callers_data import CallersDataStore
from domain.store.calls import CallStore
from domain.store.contacts import ContactStore
from domain.store.dashboard import DashboardStore
from domain.store.idempotency import IdempotencyStore
from domain.store.reference import ReferenceStore
from domain.store.tickets import TicketStore


class UnitOfWork:
    tickets: TicketStore
    contacts: ContactStore
    reference: ReferenceStore
    api_keys: ApiKeyStore
    idempotency: IdempotencyStore
    calls: CallStore
    articles: ArticleStore
    dashboard: DashboardStore
    callers_data: CallersDataStore

    def __init__(self, pool: ConnectionPool):
        self._pool = pool
        self._lease: AbstractContextManager[psycopg.Connection[Any]] | None = None

    def __enter__(self) -> "UnitOfWork":
        self._lease = self._pool.connection()
        try:
            self.conn = self._lease.__enter__()
        except PoolTimeout as err:
            # Down, or every connection busy for the whole wait: either way, a retry soon is the answer.
            raise DependencyUnavailable("The database is not reachable right now, or too busy to answer in time;"
                                        " send the request again shortly.") from err
        except psycopg.OperationalError as err:
            raise DependencyUnavailable("The database is not reachable right now.") from err
        self.tickets = TicketStore(self.conn)
        self.contacts = ContactStore(self.conn)
        self.reference = ReferenceStore(self.conn)
        self.api_keys = ApiKeyStore(self.conn)
        self.idempotency = IdempotencyStore(self.conn)
        self.calls = CallStore(self.conn)
        self.articles = ArticleStore(self.conn)
        self.dashboard = DashboardStore(self.conn)
        self.callers_data = CallersDataStore(self.conn)
        return self

    def commit(self) -> None:
        self.conn.commit()

    def reading(self) -> "_Autocommit":
        """This unit of work for reads only: each statement stands alone (autocommit), which saves the BEGIN
        and ROLLBACK round trips of a transaction. For answers whose queries need no common snapshot."""
        return _Autocommit(self)

    def saving_alone(self) -> "_Autocommit":
        """This unit of work for a change that one statement writes (a ticket's save, which carries its audit
        rows, note and outbox entry): autocommit, so that statement is its own transaction, without the BEGIN
        and COMMIT round trips. What was read before it is not locked; the save's version check is what finds
        a change made meanwhile."""
        return _Autocommit(self)

    def __exit__(self, *exc_info: Any) -> None:
        # Roll back whatever was not committed, so only an explicit commit() persists.
        assert self._lease is not None
        try:
            if not self.conn.closed:
                self.conn.rollback()
        except psycopg.OperationalError:
            # The server went away after the work was done: nothing uncommitted survives a lost connection,
            # and the pool replaces it. The work's own error, if any, is what the caller hears about.
            pass
        finally:
            self._lease.__exit__(*exc_info)
            self._lease = None
        # Two writes that met head-on are a conflict the caller can retry, not a database outage.
        if isinstance(exc_info[1], (psycopg.errors.DeadlockDetected, psycopg.errors.SerializationFailure,
                                    psycopg.errors.LockNotAvailable)):
            raise Conflict("Another change to the same tickets happened at the same moment; send yours again.") \
                from exc_info[1]
        if isinstance(exc_info[1], psycopg.OperationalError):
            raise DependencyUnavailable("The database is not reachable right now.") from exc_info[1]


class _Autocommit:
    def __init__(self, uow: UnitOfWork):
        self.uow = uow

    def __enter__(self) -> UnitOfWork:
        self.uow.__enter__()
        self.uow.conn.autocommit = True
        return self.uow

    def __exit__(self, *exc_info: Any) -> None:
        try:
            # Back as the pool lent it (setting it is local: no transaction is open in autocommit).
            if not self.uow.conn.closed:
                self.uow.conn.autocommit = False
        finally:
            self.uow.__exit__(*exc_info)
