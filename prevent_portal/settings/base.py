"""Settings shared by every deployment. Differences between deployments come from the environment only."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

# Secrets come from the environment; local and test settings supply harmless defaults, production refuses to start.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

COUNCIL_NAME = env("COUNCIL_NAME", default="Northbrook City Council")
# The council's local authority code in GIAS ("LA (code)"): the GIAS import keeps only these rows by default.
COUNCIL_LA_CODE = env("COUNCIL_LA_CODE", default="")
SERVICE_NAME = "Prevent Portal"
SERVICE_PHASE = env("SERVICE_PHASE", default="Beta")
SUPPORT_EMAIL = env("SUPPORT_EMAIL", default="prevent@northbrook.example.gov.uk")

PORTAL_APPS = ["accounts", "core", "schools", "training", "people", "referrals", "channel", "reports", "sar"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_forms_gds",
    "django_filters",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    *PORTAL_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CSRF, whose check reads the body: a body over the page's limit is refused unread.
    "core.uploads.UploadLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.SecondFactorRequiredMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "prevent_portal.urls"
WSGI_APPLICATION = "prevent_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "core.context_processors.portal",
                "accounts.context_processors.session_timeout",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=0))
# Covering indexes (INCLUDE) are PostgreSQL's; on SQLite the same index keys its columns only, as intended, so the
# check that says so would print on every `make run` (referrals.Referral's referral_person_year).
SILENCED_SYSTEM_CHECKS = ["models.W040"]
# PostgreSQL timeouts in seconds, applied to every connection by production settings (prevent_portal.db_timeouts).
# The worker's statement timeout stays under CELERY_TASK_SOFT_TIME_LIMIT so a slow report fails with its reason.
DB_STATEMENT_TIMEOUT_SECONDS = env.int("DB_STATEMENT_TIMEOUT_SECONDS", default=30)
DB_LOCK_TIMEOUT_SECONDS = env.int("DB_LOCK_TIMEOUT_SECONDS", default=10)
DB_WORKER_STATEMENT_TIMEOUT_SECONDS = env.int("DB_WORKER_STATEMENT_TIMEOUT_SECONDS", default=10 * 60)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the in-process report renders and page requests share the file without "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3  # an invitation link lasts three days

# Sessions: 30 idle minutes, 12 hours in all (accounts.middleware.SessionLifetimeMiddleware enforces both).
SESSION_IDLE_TIMEOUT = timedelta(minutes=env.int("SESSION_IDLE_MINUTES", default=30))
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=env.int("SESSION_ABSOLUTE_HOURS", default=12))
# The GOV.UK timeout warning opens this long before the session would end (templates/includes/timeout_warning.html).
SESSION_TIMEOUT_WARNING = timedelta(seconds=env.int("SESSION_WARNING_SECONDS", default=120))
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ENGINE = "django.contrib.sessions.backends.db"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Content-Security-Policy: no inline script or style anywhere (django-csp 4).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

# django-axes: lock an account after 5 failures from anywhere, and an address after 5 failures on any accounts,
# for 30 minutes. One limit for both is what django-axes offers without a custom handler.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.auth.lockout_response"
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)
AXES_VERBOSE = False

OTP_TOTP_ISSUER = f"{SERVICE_NAME} ({COUNCIL_NAME})"
OTP_TOTP_THROTTLE_FACTOR = 1

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j F Y, H:i"

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Where report PDFs were kept on disk before files moved into the database: the data migration
# reports.0004 reads them from here once. Nothing writes to it any more.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Stored files are written and read in chunks of this many bytes (core/storage.py).
FILE_STORAGE_CHUNK_BYTES = env.int("FILE_STORAGE_CHUNK_BYTES", default=1024 * 1024)
# Uploads: anything bigger than a page's limit is refused before its body is read (core/uploads.py).
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=25 * 1024 * 1024)
GIAS_IMPORT_MAX_BYTES = env.int("GIAS_IMPORT_MAX_BYTES", default=100 * 1024 * 1024)
TRAINING_IMPORT_MAX_BYTES = env.int("TRAINING_IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
# Request bodies without a file, and file parts held in memory before they go to a temporary file.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# The ClamAV daemon every attachment is scanned by before it is kept: a Unix socket path, or host:port.
CLAMD_ADDRESS = env("CLAMD_ADDRESS", default="/var/run/clamav/clamd.ctl")
CLAMD_TIMEOUT_SECONDS = env.float("CLAMD_TIMEOUT_SECONDS", default=60.0)
STORAGES = {
    # Every file the portal keeps is in the database (core/storage.py): web and worker nodes hold no state.
    "default": {"BACKEND": "core.storage.DatabaseStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"
# A layout naming a field the form lacks is an error everywhere, not only under DEBUG: nothing fails silently.
CRISPY_FAIL_SILENTLY = False

# Redis is optional: without it tasks run in process and the cache is local memory (the embedded default).
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The training figures (training.figures) in each process's own memory: kept under the state of the data they are
# read from, so they need no shared server, and a process without Redis keeps them as well. A few hundred bundles
# of a few kilobytes each.
CACHES["figures"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "training-figures",
    "OPTIONS": {"MAX_ENTRIES": 500},
}

# Without Redis, tasks run in process (the test suite's default), unless TASK_FOLDER names a folder: then a worker
# process beside the server takes them from files there (kombu's filesystem transport), so that a long task such as
# a report never holds the request. `make run` sets that up for the embedded default (settings.local).
TASK_FOLDER = env("TASK_FOLDER", default="")


def filesystem_broker_options(folder: str) -> dict[str, object]:
    """kombu's filesystem transport: messages are files in `folder`, shared by the server and its worker."""
    queue = Path(folder).resolve() / "queue"
    processed = Path(folder).resolve() / "processed"
    control = Path(folder).resolve() / "control"
    for path in (queue, processed, control):
        path.mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(queue),
        "data_folder_out": str(queue),
        "processed_folder": str(processed),
        "control_folder": str(control),
        "store_processed": False,
    }


CELERY_BROKER_URL = REDIS_URL or ("filesystem://localhost/" if TASK_FOLDER else "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not (REDIS_URL or TASK_FOLDER)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 12 * 60
# A broker that does not answer fails a publish within seconds instead of holding a request (core/outbox.py).
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {"visibility_timeout": 20 * 60, "socket_connect_timeout": 5}
if TASK_FOLDER and not REDIS_URL:
    CELERY_BROKER_TRANSPORT_OPTIONS = filesystem_broker_options(TASK_FOLDER)
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {}

# The outbox (core/outbox.py): e-mails and task starts written with the change, delivered after commit; a failed
# attempt waits OUTBOX_RETRY_SECONDS, doubled each time, and the message is failed after OUTBOX_MAX_ATTEMPTS.
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
OUTBOX_RETRY_SECONDS = env.int("OUTBOX_RETRY_SECONDS", default=60)
OUTBOX_CLAIM_SECONDS = env.int("OUTBOX_CLAIM_SECONDS", default=5 * 60)  # a delivery still claimed after this died
CELERY_BEAT_SCHEDULE["core-outbox-sweep"] = {"task": "core.tasks.outbox_sweep_task", "schedule": 60}

# Downloads of lists (core/downloads.py): a list longer than EXPORT_INLINE_ROWS is made in the background and kept
# DOWNLOAD_KEEP_HOURS for the person who asked; the hourly purge deletes it after that.
EXPORT_INLINE_ROWS = env.int("EXPORT_INLINE_ROWS", default=10_000)
DOWNLOAD_KEEP_HOURS = env.float("DOWNLOAD_KEEP_HOURS", default=24)
CELERY_BEAT_SCHEDULE["core-downloads-purge"] = {"task": "core.tasks.downloads_purge_task", "schedule": 60 * 60}

CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="celery")
# Reports (reports/leases.py): a running report's lease is three heartbeats long; the sweep puts back in the queue a
# report whose lease expired (its worker died) or that stayed queued this long after its task was sent (lost).
REPORTS_HEARTBEAT_SECONDS = env.float("REPORTS_HEARTBEAT_SECONDS", default=5)
REPORTS_REDISPATCH_SECONDS = env.int("REPORTS_REDISPATCH_SECONDS", default=60)
REPORTS_SWEEP_SECONDS = env.int("REPORTS_SWEEP_SECONDS", default=15)
REPORTS_SECTION_PAUSE_SECONDS = env.float("REPORTS_SECTION_PAUSE_SECONDS", default=0)  # worker-failure tests only
REPORTS_RETRY_SECONDS = env.int("REPORTS_RETRY_SECONDS", default=10)  # doubled on each retry
# The periods General Release reports may cover (reports/periods.py): "financial-quarters" (quarters from 1 April
# and financial years) or "calendar-quarters" (quarters from 1 January and calendar years).
REPORTING_PERIODS = env("REPORTING_PERIODS", default="financial-quarters")
# A sweep not run by the time the next is due is dropped (`expires`): a worker that was down does not face a pile.
CELERY_BEAT_SCHEDULE["reports-sweep-stale"] = {
    "task": "reports.tasks.report_sweep_stale_task",
    "schedule": REPORTS_SWEEP_SECONDS,
    "options": {"expires": REPORTS_SWEEP_SECONDS},
}
CELERY_BEAT_SCHEDULE["reports-run-schedules"] = {
    "task": "reports.tasks.reports_run_schedules_task",
    "schedule": 60 * 60,
}
# Panels (channel/): reminders of reviews after exit that fall due soon; e-mails carry only a link.
CELERY_BEAT_SCHEDULE["channel-review-reminders"] = {
    "task": "channel.tasks.review_reminders_task",
    "schedule": 24 * 60 * 60,
}
# Training (training/): on the first of each month at 07:00, remind DSLs whose Prevent training is due (link only).
CELERY_BEAT_SCHEDULE["training-dsl-refresher-reminders"] = {
    "task": "training.tasks.dsl_refresher_reminders_task",
    "schedule": crontab(minute=0, hour=7, day_of_month=1),
}
# Nightly, before the housekeeping: the log of changes under which the training figures are kept starts again.
CELERY_BEAT_SCHEDULE["training-figures-changes-clear"] = {
    "task": "training.tasks.figures_changes_clear_task",
    "schedule": crontab(minute=45, hour=2),
}

# The retention schedule's defaults (core/retention.py): the first reading of the schedule stores them, and system
# administrators change them on the retention page. Audit events: at least 6 years (the database's own floor).
RETENTION_CASE_YEARS = env.int("RETENTION_CASE_YEARS", default=6)
RETENTION_REFERRAL_YEARS = env.int("RETENTION_REFERRAL_YEARS", default=6)
RETENTION_DRAFT_DAYS = env.int("RETENTION_DRAFT_DAYS", default=90)
RETENTION_AUDIT_YEARS = env.int("RETENTION_AUDIT_YEARS", default=7)
RETENTION_SIGN_IN_DAYS = env.int("RETENTION_SIGN_IN_DAYS", default=90)
# A night's run takes records one by one for at most this long (a first run at national scale has a backlog); what
# is left is still due and the next night goes on. Under the task's soft time limit (core/tasks.py).
RETENTION_RUN_SECONDS = env.int("RETENTION_RUN_SECONDS", default=50 * 60)
# Nightly, at quiet hours: the schedule (once an administrator has started it), then the housekeeping.
CELERY_BEAT_SCHEDULE["core-retention-nightly"] = {
    "task": "core.tasks.retention_nightly_task",
    "schedule": crontab(minute=30, hour=2),
}
CELERY_BEAT_SCHEDULE["core-housekeeping"] = {
    "task": "core.tasks.housekeeping_task",
    "schedule": crontab(minute=0, hour=3),
}
# The database role the app runs as in production, granted what it needs by `manage.py grant_app_role` (run as
# the tables' owner after `migrate`): it owns no table, so it cannot switch the audit trail's trigger off.
DATABASE_APP_ROLE = env("DATABASE_APP_ROLE", default="")

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)  # a mail server that hangs fails the attempt; the outbox retries
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Prevent Portal <no-reply@northbrook.example.gov.uk>")
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Panel cases: a support item with no contact recorded for this many days is flagged on the case, the chair's
# home page and the agenda; a person turning 18 within TURNS_18_NOTICE_DAYS is flagged the same way.
SUPPORT_NO_CONTACT_DAYS = env.int("SUPPORT_NO_CONTACT_DAYS", default=30)
TURNS_18_NOTICE_DAYS = env.int("TURNS_18_NOTICE_DAYS", default=30)
