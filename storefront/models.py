"""Every domain's models, imported in one place so the metadata (and so Alembic) always sees all tables."""

from storefront.accounts.models import PasswordResetToken, User  # noqa: F401
from storefront.audit.models import AuditEvent  # noqa: F401
from storefront.cart.models import Cart, CartItem  # noqa: F401
from storefront.catalog.models import Category, Product, ProductFile, ProductImage, StockAdjustment  # noqa: F401
from storefront.downloads.models import DownloadEntitlement, DownloadLog  # noqa: F401
from storefront.fulfilment.models import Shipment, ShipmentItem  # noqa: F401
from storefront.job_records import JobRecord  # noqa: F401
from storefront.legal.models import LegalAcceptance, LegalVersion  # noqa: F401
from storefront.licences.models import LicenceGrant, LicenceKey, LicencePolicy  # noqa: F401
from storefront.mail.models import EmailDelivery, OutboxMessage  # noqa: F401
from storefront.mailings.models import MailingOptOut  # noqa: F401
from storefront.orders.models import Order, OrderEvent, OrderItem, OrderNote, PaymentEvent  # noqa: F401
from storefront.payments.models import WebhookEvent  # noqa: F401
from storefront.promotions.models import PromoCode  # noqa: F401
from storefront.refunds.models import Refund, RefundItem  # noqa: F401
from storefront.renders.models import ProductImageVariant, Rendition  # noqa: F401
from storefront.reviews.models import Review  # noqa: F401
from storefront.wishlist.models import WishlistItem  # noqa: F401
