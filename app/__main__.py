"""`python -m app`: serve the chat and the JSON API with uvicorn (default http://127.0.0.1:7860)."""
from __future__ import annotations

import argparse
import dataclasses
import logging
import sys


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options; anything not given comes from the settings (environment / .env)."""
    parser = argparse.ArgumentParser(prog="python -m app", description="政府报告问答助手: web chat + JSON API")
    parser.add_argument("--host", help="address to bind (default: HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default: PORT or 7860)")
    parser.add_argument("--root-path", help="sub-path behind a reverse proxy, e.g. /qa (default: ROOT_PATH)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Build the app from the settings and serve it until interrupted; 1 with one line on a configuration error."""
    args = parse_args(argv)
    from app.api import quiet_gradio_environment

    quiet_gradio_environment()  # before anything imports gradio
    from app.settings import SettingsError, load_settings

    try:
        settings = load_settings()
        overrides = {k: v for k, v in (("host", args.host), ("port", args.port), ("root_path", args.root_path))
                     if v is not None}
        settings = dataclasses.replace(settings, **overrides)
    except SettingsError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    import uvicorn

    from app.api import create_app

    try:
        app = create_app(settings)
    except SettingsError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1
    logging.getLogger("app.server").info("serving on http://%s:%d%s/", settings.host, settings.port,
                                         settings.root_path)
    # proxy_headers: behind the portal's reverse proxy, links and redirects use the public scheme and host
    uvicorn.run(app, host=settings.host, port=settings.port, root_path=settings.root_path, proxy_headers=True,
                log_level=settings.log_level.lower(), timeout_graceful_shutdown=5)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
