"""Wishlists: logged-in shoppers save products with a heart (product page and catalogue cards), list them at
/account/wishlist, and move them to the cart."""
