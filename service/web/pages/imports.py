"""Importing data files: upload, see the validation report of a dry run, then confirm.

Both steps call the API's upload function (file-name rules, size limit, the validated
importer, the audit log); the files are kept in between by ``staging``.
"""

from __future__ import annotations

from contextlib import ExitStack
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse

from service.api.deps import ServicesDep
from service.api.routes import imports
from service.ingest.importer import PROFILES
from service.settings import get_settings
from service.web import staging
from service.web.rendering import render
from service.web.session import Csrf, WebEditor, WebError

router = APIRouter(prefix="/imports")


@router.get("")
def import_form(request: Request, user: WebEditor):
    return render(request, "imports.html", user, report=None, token=None, profiles=PROFILES,
                  profile="canonical")


def _run(folder, user, services, dry_run: bool):
    with ExitStack() as stack:
        files = [UploadFile(stack.enter_context(open(path, "rb")), filename=path.name)
                 for path in staging.staged_files(folder)]
        return imports.upload(files, user, services, dry_run=dry_run,
                              profile=staging.profile_of(folder))


@router.post("", dependencies=[Csrf])
def check(request: Request, user: WebEditor, services: ServicesDep,
          files: Annotated[list[UploadFile], File()],
          profile: Annotated[str, Form(max_length=16)] = "canonical"):
    """Keep the uploaded files and show the dry run's report."""
    if profile not in PROFILES:
        raise WebError(422, "imports.bad_profile", profile)
    files = [f for f in files if f.filename]
    if not files:
        raise WebError(422, "imports.no_files")
    if len(files) > imports.MAX_FILES:
        raise WebError(422, "imports.too_many")
    token, folder = staging.new_folder(user.username, profile)
    try:
        for upload in files:
            stem, suffix = imports.safe_name(upload.filename, profile)
            target = folder / f"{stem}{suffix}"
            if target.exists():
                raise WebError(422, "imports.duplicate", target.name)
            staging.save(upload.file, target, get_settings().import_max_bytes)
        report = _run(folder, user, services, dry_run=True)
    except staging.TooLarge as exc:
        staging.discard(folder)
        raise WebError(413, "error.too_large", str(exc)) from None
    except BaseException:
        staging.discard(folder)
        raise
    if not report.ok:
        staging.discard(folder)
        token = None
    return render(request, "imports.html", user, report=report, token=token, profiles=PROFILES,
                  profile=profile)


@router.post("/confirm", dependencies=[Csrf])
def confirm(request: Request, user: WebEditor, services: ServicesDep,
            token: Annotated[str, Form(max_length=64)]):
    """Import the files of an earlier dry run (all or nothing)."""
    folder = staging.folder_of(token, user.username)
    if folder is None:
        raise WebError(404, "imports.expired")
    profile = staging.profile_of(folder)
    try:
        report = _run(folder, user, services, dry_run=False)
    finally:
        staging.discard(folder)
    return render(request, "imports.html", user, report=report, token=None, profiles=PROFILES,
                  profile=profile)


@router.post("/cancel", dependencies=[Csrf])
def cancel(user: WebEditor, token: Annotated[str, Form(max_length=64)]):
    folder = staging.folder_of(token, user.username)
    if folder is not None:
        staging.discard(folder)
    return RedirectResponse("/ui/imports", 303)
