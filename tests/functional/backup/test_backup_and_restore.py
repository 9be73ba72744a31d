"""`flask backup create` / `restore` / `check`, as an operator runs them, on the database the suite runs on."""

import json

from alembic.script import ScriptDirectory
from sqlalchemy import func, select

from storefront.backup.manifest import revision_warning
from storefront.catalog.models import ProductFile
from storefront.extensions import db
from storefront.orders.models import Order
from storefront.storage import get_storage
from tests.functional.backup.support import backup, rows
from tests.functional.checkout.support import Shopper, digital
from tests.functional.downloads.support import GUIDE_PDF


def manifest_of(directory):
    return json.loads((directory / "manifest.json").read_text())


def order_count():
    return db.session.scalar(select(func.count()).select_from(Order))


def test_a_backup_restored_into_a_fresh_database_has_the_same_orders_payments_and_entitlements(
    app, paid_orders, tmp_path, fresh_database_url, app_on
):
    before = rows(db.engine)
    made = backup(app, "create", tmp_path / "nightly")
    assert made.exit_code == 0, made.output

    fresh = app_on(fresh_database_url)
    restored = backup(fresh, "restore", tmp_path / "nightly")

    assert restored.exit_code == 0, restored.output
    with fresh.app_context():
        after = rows(db.engine)
    assert len(before["orders"]) == 2 and before["payment_events"] and len(before["download_entitlements"]) == 2
    assert before["download_logs"]
    assert after == before


def test_the_manifest_says_what_the_backup_holds_and_lists_the_storage_objects(app, paid_orders, tmp_path):
    made = backup(app, "create", tmp_path / "nightly")

    assert made.exit_code == 0, made.output
    manifest = manifest_of(tmp_path / "nightly")
    assert manifest["database"] == db.engine.dialect.name
    assert (
        manifest["alembic_revision"]
        == ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config()).get_current_head()
    )
    assert manifest["app_version"] and manifest["created_at"]
    assert (tmp_path / "nightly" / manifest["dump_file"]).stat().st_size > 0
    listed = {item["key"]: item["size"] for item in manifest["storage"]["objects"]}
    files = db.session.scalars(select(ProductFile)).all()
    assert len(files) == 2
    assert all(listed[f"private/{file.storage_key}"] == len(GUIDE_PDF) for file in files)
    assert manifest["storage"]["object_count"] == len(listed)
    assert "storage object(s)" in made.output and "listed (not copied)" in made.output


def test_restore_refuses_a_database_that_holds_data_unless_forced(app, paid_orders, tmp_path):
    assert backup(app, "create", tmp_path / "nightly").exit_code == 0
    Shopper(app.test_client()).place(digital(title="Late Order"), email="late@example.com")
    assert order_count() == 3

    refused = backup(app, "restore", tmp_path / "nightly")

    assert refused.exit_code == 1
    assert "already holds data" in refused.output and "--force" in refused.output
    assert order_count() == 3

    forced = backup(app, "restore", tmp_path / "nightly", "--force")

    assert forced.exit_code == 0, forced.output
    assert order_count() == 2


def test_restore_refuses_a_backup_made_by_code_with_an_unknown_schema(app, tmp_path):
    assert backup(app, "create", tmp_path / "nightly").exit_code == 0
    manifest = manifest_of(tmp_path / "nightly")
    manifest["alembic_revision"] = "ffffdeadbeef"
    (tmp_path / "nightly" / "manifest.json").write_text(json.dumps(manifest))

    refused = backup(app, "restore", tmp_path / "nightly", "--force")

    assert refused.exit_code == 1
    assert "ffffdeadbeef is unknown to this code" in refused.output


def test_a_damaged_dump_restores_nothing(app, paid_orders, tmp_path):
    assert backup(app, "create", tmp_path / "nightly").exit_code == 0
    before = rows(db.engine)
    dump = tmp_path / "nightly" / manifest_of(tmp_path / "nightly")["dump_file"]
    dump.write_bytes(dump.read_bytes()[: dump.stat().st_size // 2])

    failed = backup(app, "restore", tmp_path / "nightly", "--force")

    assert failed.exit_code == 1, failed.output
    assert "nothing was restored" in failed.output, failed.output
    assert rows(db.engine) == before


def test_an_older_schema_revision_restores_with_a_warning_to_upgrade(app):
    migrations = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
    older = migrations.get_revision(migrations.get_current_head()).down_revision

    assert revision_warning(migrations.get_current_head()) is None
    assert "flask db upgrade" in revision_warning(older)


def test_check_compares_the_listing_with_what_storage_holds(app, paid_orders, tmp_path):
    assert backup(app, "create", tmp_path / "nightly").exit_code == 0
    assert backup(app, "check", tmp_path / "nightly").exit_code == 0
    book = "private/" + db.session.scalars(select(ProductFile.storage_key)).first()
    (get_storage().root / book).unlink()

    checked = backup(app, "check", tmp_path / "nightly")

    assert checked.exit_code == 1
    assert f"missing: {book}" in checked.output


def test_an_existing_directory_is_never_overwritten(app, tmp_path):
    (tmp_path / "nightly").mkdir()

    refused = backup(app, "create", tmp_path / "nightly")

    assert refused.exit_code == 1 and "already exists" in refused.output
