"""Files attached to modules: checked for size, type and content, kept in the upload folder."""

from __future__ import annotations

import io
import uuid
import zipfile
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from lms import audit
from lms.content.models import Attachment, Module
from lms.extensions import db

# Extension -> (content type, check of the first bytes / the file).
OOXML_PARTS = {"docx": "word/", "pptx": "ppt/", "xlsx": "xl/"}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
}
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


class AttachmentError(ValueError):
    """An upload refused; the message says why in the user's language."""


def _extension(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def _content_matches(extension: str, data: bytes) -> bool:
    """Whether the file really is what its name says (a renamed .exe is not a PDF)."""
    if extension == "pdf":
        return data.startswith(b"%PDF-")
    if extension == "png":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in ("jpg", "jpeg"):
        return data.startswith(b"\xff\xd8\xff")
    if extension == "gif":
        return data.startswith((b"GIF87a", b"GIF89a"))
    if extension in OOXML_PARTS:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            return False
        return "[Content_Types].xml" in names and any(
            name.startswith(OOXML_PARTS[extension]) for name in names
        )
    return False


def safe_display_name(filename: str) -> str:
    """Keep the name people recognise, minus any path and control characters."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable() and c not in '"<>|:*?')
    return name.strip()[:200] or "file"


def folder() -> Path:
    path = Path(current_app.config["UPLOAD_FOLDER"]) / "attachments"
    path.mkdir(parents=True, exist_ok=True)
    return path


def add_attachment(module: Module, filename: str, data: bytes, *, actor) -> Attachment:
    """Check and store an uploaded file; nothing is stored when a check fails."""
    extension = _extension(filename)
    if extension not in CONTENT_TYPES:
        raise AttachmentError(
            _("Only PDF, PPTX, DOCX, XLSX, PNG, JPEG and GIF files can be attached.")
        )
    if not data:
        raise AttachmentError(_("The file is empty."))
    limit = current_app.config.get("ATTACHMENT_MAX_BYTES", MAX_ATTACHMENT_BYTES)
    if len(data) > limit:
        raise AttachmentError(
            _("The file is larger than %(mb)s MB.", mb=limit // (1024 * 1024))
        )
    if not _content_matches(extension, data):
        raise AttachmentError(
            _("The file's content does not match its extension .%(ext)s.", ext=extension)
        )
    stored_name = f"{uuid.uuid4().hex}.{extension}"
    (folder() / stored_name).write_bytes(data)
    attachment = Attachment(
        module_id=module.id, filename=safe_display_name(filename), stored_name=stored_name,
        content_type=CONTENT_TYPES[extension], size=len(data),
        uploaded_by_id=getattr(actor, "id", None),
    )
    db.session.add(attachment)
    audit.record("attachment.added", actor=actor, target=module, filename=attachment.filename)
    db.session.flush()
    return attachment


def remove_attachment(attachment: Attachment, *, actor) -> Path:
    """Delete the row; returns the file, for the caller to delete once the change is committed.

    Deleting the file only after the commit means a failed commit never leaves a row whose
    file is gone.
    """
    audit.record("attachment.removed", actor=actor,
                 module_id=attachment.module_id, filename=attachment.filename)
    db.session.delete(attachment)
    db.session.flush()
    return folder() / attachment.stored_name
