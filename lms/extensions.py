"""The Flask extensions, created bare here and bound to the app in create_app()."""

from flask_babel import Babel
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from lms.db import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# Computed reports, for a short while (see REPORT_CACHE_SECONDS).
cache = Cache()
# No default limits: each sensitive view states its own.
limiter = Limiter(key_func=get_remote_address)
