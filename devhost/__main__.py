"""`python -m devhost serve|migrate|seed|fill|reindex|call|sms|stop`: run Atiende on one machine."""
from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

import uvicorn

from devhost.call import ACCOUNT_SID, LOCAL_TWILIO_AUTH_TOKEN, RECORDING_HOST, add_call_arguments

T = TypeVar("T")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devhost", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="start services, migrate, seed on first run, and serve the app")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=7071)
    serve.add_argument("--no-timers", action="store_true", help="do not run timer-triggered functions")
    serve.add_argument("--local-sms", action="store_true",
                       help="without a Twilio account, play its Messages API here so the requester's side can be tried")
    # Off by default: on Azure the platform logs requests, not the app's process, and a line per request is a
    # tenth of what devhost spends on a small one.
    serve.add_argument("--access-log", action="store_true", help="log a line for every request")
    commands.add_parser("migrate", help="apply database migrations and exit")
    commands.add_parser("seed", help="load demo data into an empty database and exit")
    fill = commands.add_parser("fill", help="add N realistic synthetic tickets (callers, activity) for scale tests")
    fill.add_argument("--tickets", type=int, required=True)
    reindex = commands.add_parser("reindex", help="rebuild the vector index from PostgreSQL (resumes a cut-short run)")
    reindex.add_argument("--restart", action="store_true", help="start from scratch even when a run can resume")
    call = commands.add_parser("call", help="play Twilio's part in a phone call to a running devhost")
    add_call_arguments(call)
    sms = commands.add_parser("sms", help="play Twilio's part in an SMS to the desk's number, and print the answer")
    from devhost.sms import add_sms_arguments

    add_sms_arguments(sms)
    stop = commands.add_parser("stop", help="stop the Azurite, Valkey and mail servers that serve started and left running")
    stop.add_argument("--data-dir", type=Path, default=None, help="where their data is (default: .data/)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # The Azure SDK logs every request and response at INFO, and httpx every request.
    for chatty in ("azure", "httpx"):
        logging.getLogger(chatty).setLevel(logging.WARNING)

    if args.command == "call":
        from devhost.call import simulate

        return simulate(args)
    if args.command == "sms":
        from devhost.sms import simulate as text_the_desk

        return text_the_desk(args)
    if args.command == "stop":
        from devhost.services import DATA_DIR, stop_services

        stopped = stop_services((args.data_dir or DATA_DIR).resolve())
        print("\n".join(f"stopped {name}" for name in stopped) or "nothing to stop")
        return 0
    from devhost.services import allow_browser_uploads, ensure_azurite, ensure_postgres, ensure_redis
    from domain import bootstrap
    from domain.settings import Settings, get_settings

    if args.command == "serve":
        os.environ.setdefault("PUBLIC_BASE_URL", f"http://localhost:{args.port}")
        # Webhooks are signed with this token; the call simulator signs with the same one. Outside devhost an
        # unset token refuses every webhook.
        os.environ.setdefault("TWILIO_AUTH_TOKEN", LOCAL_TWILIO_AUTH_TOKEN)
        # The call simulator's recordings come from this machine; the configured hosts (Twilio's) stay allowed.
        os.environ["RECORDING_HOSTS"] = f"{Settings().RECORDING_HOSTS},{RECORDING_HOST}"
        if args.local_sms and not os.environ.get("TWILIO_ACCOUNT_SID"):
            # No Twilio account: devhost plays Twilio's Messages API itself, and the web app's local mode shows
            # what the requester's phone received (devhost/requester.py).
            from devhost.requester import API_PREFIX

            os.environ.update(TWILIO_ACCOUNT_SID=ACCOUNT_SID, TWILIO_API_BASE_URL=f"http://127.0.0.1:{args.port}{API_PREFIX}")
            os.environ.setdefault("TWILIO_PHONE_NUMBER", "+15005550006")
    settings = get_settings()
    url = ensure_postgres(settings.DATABASE_URL)
    if url != settings.DATABASE_URL:
        get_settings.cache_clear()
        settings = get_settings()
    if args.command == "migrate":
        return 0
    if args.command == "fill":
        from devhost.fill import fill as fill_tickets

        seconds = fill_tickets(settings.DATABASE_URL, args.tickets)
        print(f"filled {args.tickets} tickets in {seconds:.1f} s")
        return 0
    if args.command == "reindex":
        return _reindex(settings, resume=not args.restart)
    if args.command == "seed" or (args.command == "serve" and settings.SEED_DEMO_DATA):
        from devhost.seed import seed_if_empty

        run_once(seed_if_empty(settings, bootstrap.uow))
    if args.command == "seed":
        return 0
    ensure_azurite(settings.AzureWebJobsStorage)
    allow_browser_uploads(settings.AzureWebJobsStorage)
    ensure_redis(settings.REDIS_URL)
    # An empty host turns that half of e-mail off; the servers are started only for a local one.
    mail_hosts = {settings.SMTP_HOST, settings.IMAP_HOST} - {""}
    if mail_hosts and mail_hosts <= {"127.0.0.1", "localhost"}:
        from devhost.mail import ensure_mail

        try:
            ensure_mail(imap_port=settings.IMAP_PORT, smtp_port=settings.SMTP_PORT)
        except RuntimeError as err:  # the desk runs without e-mail, and says why
            logging.getLogger("devhost").warning("no mail servers: %s", err)
    from devhost.app import create_app

    app = create_app(run_timer_functions=not args.no_timers, durable_base_url=f"http://127.0.0.1:{args.port}")
    # No Server header: an anonymous caller learns nothing about what serves the app.
    uvicorn.run(app, host=args.host, port=args.port, log_level="info", server_header=False, access_log=args.access_log)
    return 0


def _reindex(settings: object, resume: bool) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from devhost.services import ensure_redis
    from domain import bootstrap
    from domain.services.indexing import reindex

    ensure_redis(settings.REDIS_URL)  # type: ignore[attr-defined]

    async def rebuild() -> tuple[int, str, str, int]:
        index = bootstrap.services().vector_index
        with Progress(TextColumn("reindexing tickets"), BarColumn(), MofNCompleteColumn(),
                      TimeRemainingColumn()) as bar:
            task = bar.add_task("tickets", total=None)
            done = await reindex(bootstrap.uow, bootstrap.services().embedder, index,
                                 lambda count, total: bar.update(task, completed=count, total=total), resume=resume)
        return done, await index.mode(), index.model, index.dimensions

    done, mode, model, dimensions = run_once(rebuild())
    print(f"{done} tickets in the {mode} index ({model}, {dimensions} dimensions)")
    return 0


def run_once(work: Coroutine[Any, Any, T]) -> T:
    """Run `work` on an event loop of its own, closing the connections it opened before the loop ends."""
    from domain import bootstrap
    from domain.store.pool import close_pools

    async def run() -> T:
        try:
            return await work
        finally:
            await close_pools()
            await bootstrap.close_clients()

    return asyncio.run(run())


if __name__ == "__main__":
    sys.exit(main())
