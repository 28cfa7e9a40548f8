"""Settings of the panel, driven by environment variables (see .env.example).

Development defaults are safe to run on a laptop; with DJANGO_DEBUG=false every
production value must be given, or start-up fails loudly.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def required(name: str) -> str:
    value = env(name)
    if not value:
        raise ImproperlyConfigured(f"{name} must be set when DJANGO_DEBUG is false.")
    return value


# Fails closed: production unless development is asked for explicitly.
DEBUG = env_bool("DJANGO_DEBUG", False)

if DEBUG:
    SECRET_KEY = env("DJANGO_SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
else:
    SECRET_KEY = required("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS") or [required("DJANGO_ALLOWED_HOSTS")]

# The site's public address (comum/enderecos.py): required in production; in
# development the request's host is used, and commands use a local default.
SITE_URL = (env("SITE_URL", "") if DEBUG else required("SITE_URL")).rstrip("/")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "import_export",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "operacao",
    "parceiros",
    "plano",
    "monitoramento",
    "dados",
    "paecm",
]

MIDDLEWARE = [
    "operacao.registro.IdDoPedido",
    # Outermost, so static files and every error page carry both headers.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Methods, NUL/undecodable input, body limits, CORS (before static files).
    "paecm.entrada.Entrada",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Second factor (parceiros/mfa.py): required for staff, never waived by DEBUG.
    "django_otp.middleware.OTPMiddleware",
    "parceiros.mfa.ExigirSegundoFator",
    "parceiros.auth.RecusaPorSobrecarga",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "comum.enderecos.OrigemDaRequisicao",
]

ROOT_URLCONF = "paecm.urls"
WSGI_APPLICATION = "paecm.wsgi.application"

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
                "paecm.context_processors.site",
            ],
        },
    },
]

DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # .iterator() without a server-side cursor: in autocommit, PostgreSQL
        # materialises a WITH HOLD cursor's rows anyway, and the DECLARE,
        # FETCH and CLOSE round trips cost an activity's page 3 ms of 17.
        # libpq keeps the rows compactly (75,000 reports at 100x: a few MB).
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
elif DEBUG:
    DATABASES = {
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}
    }
else:
    DATABASES = {"default": dj_database_url.parse(required("DATABASE_URL"))}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The backup's format: Django's JSON, datetimes to the microsecond.
SERIALIZATION_MODULES = {"copia": "operacao.serializacao"}
AUTH_USER_MODEL = "parceiros.Usuario"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "parceiros.senhas.SenhaComumValidator"},
]

OTP_TOTP_ISSUER = "Painel I PAECM"

# Throttles logins per username and address before any password is hashed.
AUTHENTICATION_BACKENDS = ["parceiros.auth.BackendComLimite"]
# Password checks (about 1 s of CPU each) running at once: per worker process,
# and across all workers (counted in the shared cache). Beyond that a login
# answers 429 at once, without hashing.
VERIFICACOES_DE_SENHA_POR_PROCESSO = int(env("VERIFICACOES_DE_SENHA_POR_PROCESSO", "2"))
VERIFICACOES_DE_SENHA_SIMULTANEAS = int(env("VERIFICACOES_DE_SENHA_SIMULTANEAS", "4"))
# Password reset e-mails: per client address and per account, per hour.
REDEFINICOES_POR_ENDERECO = 10
REDEFINICOES_POR_CONTA = 3

LANGUAGE_CODE = "pt-br"
# Project translations of library strings their catalogues lack (locale/).
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/Sao_Paulo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded evidence lives outside the static root and is only served by a view
# that checks who may see it; MEDIA_URL is deliberately not routed.
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
# Files uploaded with a refused report form wait this many days to be used
# (monitoramento.EvidenciaPendente); limpar_evidencias_pendentes then removes them.
EVIDENCIAS_PENDENTES_DIAS = int(env("EVIDENCIAS_PENDENTES_DIAS", "7"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_BACKEND",
            "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# Request bodies (paecm.entrada): the largest legitimate one is a report with
# its 20 evidence files of 10 MB each (monitoramento.forms), plus its fields.
# Anonymous requests only ever send a login or password-reset form. The proxy's
# client_max_body_size must be at least CORPO_MAXIMO (README).
CORPO_MAXIMO = 201 * 1024 * 1024
CORPO_MAXIMO_ANONIMO = 64 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # the non-file fields of a body
FILE_UPLOAD_HANDLERS = [
    "paecm.entrada.LimiteDoCorpo",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

LOGIN_URL = "/portal/entrar/"
LOGIN_REDIRECT_URL = "/portal/"
LOGOUT_REDIRECT_URL = "/"

SESSION_COOKIE_AGE = 60 * 60 * 8
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(env("DJANGO_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("DJANGO_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# No inline script or style anywhere, so the policy needs no nonce and pages
# stay cacheable.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Console in development (or EMAIL_URL=console://). EMAIL_URL picks the transport by its scheme:
#   smtp://user:password@host:587   STARTTLS (the default port is 587)
#   smtps://user:password@host:465  implicit TLS (the default port is 465)
#   smtp+plain://host:25            a plain relay on a trusted network, no TLS
# Any other scheme fails start-up.
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}


def mailer_de(url: str) -> dict:
    from urllib.parse import unquote, urlparse

    partes = urlparse(url)
    seguranca = {
        "smtp": ({"use_tls": True}, 587),
        "smtps": ({"use_ssl": True}, 465),
        "smtp+plain": ({}, 25),
    }
    if partes.scheme not in seguranca or not partes.hostname:
        raise ImproperlyConfigured(
            "EMAIL_URL must be smtp://, smtps:// or smtp+plain:// followed by the host."
        )
    tls, porta = seguranca[partes.scheme]
    return {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": partes.hostname,
            "port": partes.port or porta,
            "username": unquote(partes.username or ""),
            "password": unquote(partes.password or ""),
            "timeout": 30,
            **tls,
        },
    }


if not DEBUG:
    required("EMAIL_URL")
if env("EMAIL_URL") == "console://":
    pass  # the console backend above, e.g. for production-like local runs
elif env("EMAIL_URL"):
    MAILERS["default"] = mailer_de(env("EMAIL_URL"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Painel I PAECM <nao-responda@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Rendered fragments of public pages (the painel's numbers), keyed on the
    # data version. Always in the process: a restart after a deploy empties it,
    # so new code never serves HTML rendered by the old templates.
    "paginas": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "paginas",
        "OPTIONS": {"MAX_ENTRIES": 50},
    },
}
# Sessions, login throttling and the public cache's version are shared by
# every app server through the default cache: Redis in production.
if not DEBUG:
    required("CACHE_URL")
if env("CACHE_URL"):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("CACHE_URL"),
    }

IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"

# JSON lines on the console (operacao.registro), each with the request id;
# server errors are also e-mailed to ADMINS (DJANGO_ADMINS, comma-separated).
ADMINS = env_list("DJANGO_ADMINS")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "operacao.registro.FormatoJson"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json"},
        "mail_admins": {"class": "django.utils.log.AdminEmailHandler", "level": "ERROR"},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {
            "handlers": ["console", "mail_admins"],
            "level": "ERROR",
            "propagate": False,
        },
    },
}

# Optional error tracking (sentry-sdk): on when SENTRY_DSN is set; no personal data sent.
if env("SENTRY_DSN"):
    import sentry_sdk

    sentry_sdk.init(dsn=env("SENTRY_DSN"), send_default_pii=False)

# The plan the public pages show by default.
PLANO_PADRAO = env("PLANO_PADRAO", "i-paecm")


# The deployed code: part of the public cache's key and of every ETag it sets,
# so a deploy never serves HTML rendered by old templates (ADR 0005).
def _build_id() -> str:
    if env("BUILD_ID"):
        return env("BUILD_ID")
    cabeca = BASE_DIR / ".git"
    try:
        if cabeca.is_file():  # a git worktree
            cabeca = Path(cabeca.read_text().split(":", 1)[1].strip())
        ref = (cabeca / "HEAD").read_text().strip()
        if ref.startswith("ref:"):
            nome = ref.split(" ", 1)[1]
            arquivo = cabeca / nome
            if not arquivo.exists():
                comum = cabeca / "commondir"
                base = (cabeca / comum.read_text().strip()) if comum.exists() else cabeca
                arquivo = base / nome
            return arquivo.read_text().strip()[:12]
        return ref[:12]
    except (OSError, IndexError):
        return "desconhecido"


BUILD_ID = _build_id()

# The full-response cache of anonymous public GETs (paecm.cache_publico, ADR 0005).
CACHE_PUBLICO = env_bool("CACHE_PUBLICO", True)
CACHE_PUBLICO_TOKEN_SEGUNDOS = 1  # shared token read at most once a second per process
CACHE_PUBLICO_BANCO_SEGUNDOS = 30  # database version read at most every 30 s per process
CACHE_PUBLICO_SEGUNDOS = 300  # an entry's longest life (writes around the models)
CACHE_PUBLICO_BYTES = int(env("CACHE_PUBLICO_BYTES", str(256 * 2**20)))  # per process
CACHE_PUBLICO_S_MAXAGE = 60  # shared caches (nginx, CDN), never past local midnight
CACHE_PUBLICO_APPS = ("plano", "monitoramento", "parceiros", "dados")
CACHE_PUBLICO_EXCLUIDOS = ("/admin/", "/portal/", "/static/", "/evidencias/", "/saude/")
