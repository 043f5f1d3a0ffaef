"""A module as a .zip of its courses/ folder: what trainers download and upload."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from flask_babel import gettext as _

from lms.content.course_files import (
    CourseFileError,
    CourseProblem,
    ModuleSource,
    load_module_folder,
    write_module_folder,
)

MAX_FILES = 500
MAX_UNPACKED_BYTES = 20 * 1024 * 1024


def module_zip(source: ModuleSource) -> bytes:
    """The module folder, zipped, with the folder named after the module."""
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / source.slug
        write_module_folder(source, folder)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    archive.write(path, PurePosixPath(source.slug, *path.relative_to(folder).parts))
    return buffer.getvalue()


def read_module_zip(data: bytes) -> ModuleSource:
    """Check and unpack an uploaded module .zip; raise CourseFileError listing every problem."""
    def refuse(message: str) -> CourseFileError:
        return CourseFileError([CourseProblem(Path("upload.zip"), None, message)])

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise refuse(_("The file is not a .zip archive.")) from None
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        if len(infos) > MAX_FILES:
            raise refuse(_("The archive holds too many files."))
        if sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
            raise refuse(_("The archive is too large once unpacked."))
        tops = set()
        for info in infos:
            parts = PurePosixPath(info.filename).parts
            # Never write outside the temporary folder, whatever the archive claims.
            if info.filename.startswith("/") or ".." in parts or not parts or "\\" in info.filename:
                raise refuse(_("The archive holds a file with an unsafe name."))
            if parts[0] != "__MACOSX":
                tops.add(parts[0])
        if len(tops) != 1:
            raise refuse(_("The archive must hold exactly one module folder."))
        (top,) = tops
        with tempfile.TemporaryDirectory() as tmp:
            for info in infos:
                parts = PurePosixPath(info.filename).parts
                if parts[0] == "__MACOSX" or any(p.startswith(".") for p in parts):
                    continue
                target = Path(tmp).joinpath(*parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(archive.read(info))
            try:
                return load_module_folder(Path(tmp) / top)
            except CourseFileError as error:
                # Name files as they are in the archive, not in the temporary folder.
                raise CourseFileError(
                    [CourseProblem(Path(top) / p.path.relative_to(Path(tmp) / top)
                                   if p.path.is_relative_to(Path(tmp) / top) else p.path,
                                   p.line, p.message) for p in error.problems]
                ) from None
