"""Print the SQL statements per page for the demo shop (run by bench/catalogue.sh)."""

from sqlalchemy import event

from storefront import create_app
from storefront.extensions import db

app = create_app({"TESTING": True})
client = app.test_client()
with app.app_context():
    statements = []
    event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
for path in ("/", "/?q=print&sort=price_asc", "/?page=2", "/products/brass-pen", "/cart/"):
    statements.clear()
    status = client.get(path).status_code
    print(f"{path:28} {status}  {len(statements)} SQL statements")
