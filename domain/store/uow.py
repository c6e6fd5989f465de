"""The unit of work: one connection, one transaction, committed only when asked. Entered with `async with`."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any, Self

import psycopg
from psycopg.pq import TransactionStatus
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from domain.errors import Conflict, DependencyUnavailable
from domain.store.api_keys import ApiKeyStore
from domain.store.articles import ArticleStore
from domain.store.callers_data import CallersDataStore
from domain.store.calls import CallStore
from domain.store.contacts import ContactStore
from domain.store.dashboard import DashboardStore
from domain.store.idempotency import IdempotencyStore
from domain.store.reference import ReferenceStore
from domain.store.replies import CannedReplyStore
from domain.store.requesters import RequesterStore
from domain.store.statements import Statements
from domain.store.tickets import TicketStore
from domain.store.uploads import UploadStore

# Where a unit of work leases its connection: the pool of the running event loop, to which its connections
# belong (see domain/store/pool.py), looked up when the work starts rather than when it is made.
PoolSource = Callable[[], Awaitable[AsyncConnectionPool]]


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
    requesters: RequesterStore
    canned_replies: CannedReplyStore
    uploads: UploadStore
    db: Statements
    conn: psycopg.AsyncConnection[Any]

    def __init__(self, pool: PoolSource, database: str | None = None):
        self._pool = pool
        # Which database this works on, known without a connection: what a process's memory of it is kept under.
        self.database = database
        self._leased: AbstractAsyncContextManager[psycopg.AsyncConnection[Any]] | None = None
        self._lent_autocommit = True

    def _open_stores(self, db: Statements) -> None:
        self.db = db
        self.tickets = TicketStore(db)
        self.contacts = ContactStore(db)
        self.reference = ReferenceStore(db)
        self.api_keys = ApiKeyStore(db)
        self.idempotency = IdempotencyStore(db)
        self.calls = CallStore(db)
        self.articles = ArticleStore(db)
        self.dashboard = DashboardStore(db)
        self.callers_data = CallersDataStore(db)
        self.requesters = RequesterStore(db)
        self.canned_replies = CannedReplyStore(db)
        self.uploads = UploadStore(db)

    def beside(self) -> Self:
        """Another unit of work over the same pool, for reads made at the same time as this one's, on a
        connection of their own."""
        return type(self)(self._pool)

    def reading(self) -> _Autocommit:
        """This unit of work for reads only: each statement stands alone (autocommit), which saves the BEGIN
        and ROLLBACK round trips of a transaction. For answers whose queries need no common snapshot."""
        return _Autocommit(self)

    def saving_alone(self) -> _Autocommit:
        """This unit of work for a change that one statement writes (a ticket's save, which carries its audit
        rows, note and outbox entry): autocommit, so that statement is its own transaction, without the BEGIN
        and COMMIT round trips. What was read before it is not locked; the save's version check is what finds
        a change made meanwhile."""
        return _Autocommit(self)

    async def __aenter__(self) -> Self:
        return await self._enter(autocommit=False)

    async def _enter(self, autocommit: bool) -> Self:
        try:
            self._leased = (await self._pool()).connection()
            self.conn = await self._leased.__aenter__()
            self._open_stores(Statements(self.conn))
            self._lent_autocommit = self.conn.autocommit
            if autocommit != self._lent_autocommit:  # local: nothing is sent to the server
                try:
                    await self.conn.set_autocommit(autocommit)
                except BaseException as err:
                    # Not entered, so __aexit__ will not run: the connection goes back to the pool here.
                    await self._give_back(type(err), err, err.__traceback__)
                    raise
        except PoolTimeout as err:
            # Down, or every connection busy for the whole wait: either way, a retry soon is the answer.
            raise DependencyUnavailable("The database is not reachable right now, or too busy to answer in time;"
                                        " send the request again shortly.") from err
        except psycopg.OperationalError as err:
            raise DependencyUnavailable("The database is not reachable right now.") from err
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        # Roll back whatever was not committed, so only an explicit commit() persists; then hand the connection
        # back as the pool lent it.
        try:
            if not self.conn.closed:
                if self.conn.info.transaction_status != TransactionStatus.IDLE:
                    await self.conn.rollback()
                if self.conn.autocommit != self._lent_autocommit:
                    await self.conn.set_autocommit(self._lent_autocommit)
        except psycopg.OperationalError:
            # The server went away after the work was done: nothing uncommitted survives a lost connection,
            # and the pool replaces it. The work's own error, if any, is what the caller hears about.
            pass
        finally:
            await self._give_back(*exc_info)
        _raise_as_answer(exc_info[1])

    async def commit(self) -> None:
        await self.conn.commit()

    async def _give_back(self, *exc_info: Any) -> None:
        assert self._leased is not None
        leased, self._leased = self._leased, None
        await leased.__aexit__(*exc_info)


def _raise_as_answer(err: BaseException | None) -> None:
    # Two writes that met head-on are a conflict the caller can retry, not a database outage.
    if isinstance(err, (psycopg.errors.DeadlockDetected, psycopg.errors.SerializationFailure,
                        psycopg.errors.LockNotAvailable)):
        raise Conflict("Another change to the same tickets happened at the same moment; send yours again.") from err
    if isinstance(err, psycopg.OperationalError):
        raise DependencyUnavailable("The database is not reachable right now.") from err


class _Autocommit:
    def __init__(self, uow: UnitOfWork):
        self.uow = uow

    async def __aenter__(self) -> UnitOfWork:
        return await self.uow._enter(autocommit=True)

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.uow.__aexit__(*exc_info)
