"""Make moto's Glue honour UpdateTable's VersionId, as AWS Glue does.

AWS Glue rejects an UpdateTable whose VersionId is not the table's current version with
ConcurrentModificationException; that is the optimistic-concurrency guard Iceberg's Glue catalogs
(Java, pyiceberg, lakekit) rely on. moto (5.x) accepts the parameter and ignores it, so concurrent
commits would silently overwrite each other there. The Glue contract test starts its own moto with
this directory on PYTHONPATH; Python imports this module at start-up and patches the handler.
Nothing else of moto changes.
"""
import threading

try:
    from moto.core.exceptions import JsonRESTError
    from moto.glue import responses as _responses
except Exception:  # not the moto venv: do nothing
    _responses = None

if _responses is not None:
    _lock = threading.Lock()
    _original = _responses.GlueResponse.update_table

    def _update_table(self):
        params = self.parameters
        version = params.get("VersionId")
        with _lock:
            if version is not None:
                table = self.glue_backend.get_table(params.get("DatabaseName"), params["TableInput"]["Name"])
                current = str(table._current_version)
                if str(version) != current:
                    raise JsonRESTError(
                        "ConcurrentModificationException",
                        f"Update table failed due to concurrent modifications: version {version} is not the current version {current}",
                    )
            return _original(self)

    _responses.GlueResponse.update_table = _update_table
