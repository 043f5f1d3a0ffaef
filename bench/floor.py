"""The floor: what plain Flask, and plain Flask with flask-sqlalchemy, serve on this machine.

Served under the same gunicorn settings as lms, in the same run, so lms's numbers are read
as ratios to these rather than as absolute times on a shared, noisy machine.
"""

from __future__ import annotations

import os

from flask import Flask, render_template_string
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

TABLE = """<!doctype html><html lang="en"><head><title>Rows</title></head><body><table>
<thead><tr><th>Id</th><th>Name</th><th>Value</th></tr></thead><tbody>
{% for row in rows %}<tr><td>{{ row.id }}</td><td>{{ row.name }}</td><td>{{ row.value }}</td></tr>
{% endfor %}</tbody></table></body></html>"""


def plain_app() -> Flask:
    app = Flask("floor_plain")

    @app.route("/")
    def index():
        return "ok"

    return app


def table_app() -> Flask:
    """Twenty rows from a table of the benchmark database, rendered by Jinja."""

    class Base(DeclarativeBase):  # one per app, so that an app can be made more than once
        pass

    app = Flask("floor_table")
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    db = SQLAlchemy(app, model_class=Base)

    class Row(db.Model):
        __tablename__ = "bench_floor_rows"
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str]
        value: Mapped[int]

    with app.app_context():
        db.create_all()
        if db.session.query(Row).count() < 20:
            db.session.add_all(Row(name=f"Row {n}", value=n * 7) for n in range(1, 21))
            db.session.commit()

    @app.route("/")
    def index():
        rows = db.session.scalars(db.select(Row).order_by(Row.id).limit(20)).all()
        return render_template_string(TABLE, rows=rows)

    return app
