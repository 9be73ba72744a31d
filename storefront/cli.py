"""Command-line tools: `flask seed-demo`, `flask create-admin EMAIL`, maintenance groups, `flask storage prepare`,
`flask backup create|restore|check`."""

import functools
import os
import secrets
from pathlib import Path

import click
from email_validator import EmailNotValidError, validate_email
from flask import current_app

from storefront import jobs
from storefront.accounts import services as accounts
from storefront.accounts.forms import MIN_PASSWORD_LENGTH
from storefront.accounts.models import Role
from storefront.backup import BackupError
from storefront.backup import services as backups
from storefront.cart.tasks import expire_abandoned_carts_job
from storefront.demo import DEMO_ADMIN_EMAIL, seed_demo_catalog
from storefront.extensions import db
from storefront.legal.services import ensure_default_documents
from storefront.orders.tasks import expire_overdue_orders_job
from storefront.storage import get_storage
from storefront.storage.prepare import prepare_buckets

ADMIN_PASSWORD_VARIABLE = "STOREFRONT_ADMIN_PASSWORD"


@click.command("seed-demo")
def seed_demo_command():
    """Fill the shop with demo categories, products, images, files, the legal documents and an admin. Safe to run
    again."""
    report = seed_demo_catalog()
    documents = ensure_default_documents()
    admin = accounts.find_user_by_email(DEMO_ADMIN_EMAIL)
    password = None
    if admin is None:
        password = secrets.token_urlsafe(12)
        accounts.register_user(DEMO_ADMIN_EMAIL, password, terms_version=None, role=Role.SUPERADMIN)
    jobs.commit()  # then the image variant jobs are queued
    click.echo(f"Demo catalogue: {report.created} products created, {report.existing} already there.")
    click.echo(f"Legal documents: {documents} published from the built-in texts.")
    if password:
        click.echo(f"Demo admin created: {DEMO_ADMIN_EMAIL} / {password}  (log in at /account/login)")
    else:
        click.echo(f"Demo admin {DEMO_ADMIN_EMAIL} already exists; its password is unchanged.")


@click.command("create-admin")
@click.argument("email")
def create_admin_command(email):
    """Create an admin, or promote an existing user. The password comes from $STOREFRONT_ADMIN_PASSWORD or a prompt."""
    try:
        email = validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError as invalid:
        raise click.BadParameter(str(invalid), param_hint="EMAIL") from None
    user = accounts.find_user_by_email(email)
    if user is not None:
        if user.role == Role.CUSTOMER:
            user.role = Role.ADMIN.value
        db.session.commit()
        click.echo(f"{user.email} is now an {user.role}.")
        return
    password = os.environ.get(ADMIN_PASSWORD_VARIABLE) or click.prompt(
        "Password", hide_input=True, confirmation_prompt=True
    )
    if len(password) < MIN_PASSWORD_LENGTH:
        raise click.BadParameter(f"the password needs at least {MIN_PASSWORD_LENGTH} characters", param_hint="password")
    accounts.register_user(email, password, terms_version=None, role=Role.ADMIN)
    db.session.commit()
    click.echo(f"Admin {email.lower()} created.")


@click.group("carts")
def carts_command():
    """Cart maintenance."""


@carts_command.command("expire")
def expire_carts_command():
    """Mark carts untouched for CART_ABANDON_AFTER_HOURS as abandoned (the worker also does this every 15 minutes)."""
    click.echo(f"{expire_abandoned_carts_job()} cart(s) marked abandoned.")


@click.group("orders")
def orders_command():
    """Order maintenance."""


@orders_command.command("expire")
def expire_orders_command():
    """Expire pending orders past their checkout window and release their stock (the worker does this every minute)."""
    click.echo(f"{expire_overdue_orders_job()} order(s) expired.")


@click.group("storage")
def storage_command():
    """File storage set-up."""


@storage_command.command("prepare")
def prepare_storage_command():
    """Create the S3 buckets if missing, close S3_BUCKET to the public (but let the shop's pages upload to it) and
    let everyone read S3_PUBLIC_BUCKET through its bucket policy. Prints each step; safe to run again."""
    if current_app.config["STORAGE_BACKEND"] != "s3":
        raise click.ClickException("STORAGE_BACKEND is not s3: set STORAGE_BACKEND=s3 and S3_BUCKET first")
    for line in prepare_buckets(get_storage(), current_app.config["BASE_URL"]):
        click.echo(line)


@click.group("backup")
def backup_command():
    """Back up and restore the database, with a listing of the storage objects (which are not copied)."""


def _reporting_backup_errors(command):
    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except BackupError as refusal:
            raise click.ClickException(str(refusal)) from None

    return run


@backup_command.command("create")
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@_reporting_backup_errors
def create_backup_command(directory):
    """Write the database and a manifest listing the storage objects to DIRECTORY (a new one; default
    backups/storefront-<UTC time>)."""
    directory = directory or backups.default_directory()
    manifest = backups.create_backup(directory)
    storage = manifest["storage"]
    click.echo(f"Backed up the {manifest['database']} database (at {manifest['alembic_revision']}) to {directory}")
    click.echo(f"{storage['object_count']} storage object(s), {storage['total_bytes']} bytes, listed (not copied).")


@backup_command.command("restore")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
@_reporting_backup_errors
def restore_backup_command(directory, force):
    """Restore the backup in DIRECTORY into the configured database, in one transaction. Stop the web and worker
    processes first."""
    for warning in backups.restore_backup(directory, force=force):
        click.echo(f"Warning: {warning}", err=True)
    click.echo(f"Restored {directory}. Run `flask backup check {directory}` to compare storage with its listing.")


@backup_command.command("check")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@_reporting_backup_errors
def check_backup_command(directory):
    """Compare the storage objects listed in the backup in DIRECTORY with what storage holds; fails when any is
    missing or has another size."""
    result = backups.check_backup(directory)
    for key in result.missing:
        click.echo(f"missing: {key}")
    for key in result.resized:
        click.echo(f"size differs: {key}")
    click.echo(f"{len(result.missing)} missing, {len(result.resized)} with another size, {result.unlisted} not listed.")
    if not result.ok:
        raise click.exceptions.Exit(1)
