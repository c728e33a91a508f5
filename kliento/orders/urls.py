from kliento.orders.quote_urls import urlpatterns as quote_patterns

app_name = "orders"

urlpatterns = [*quote_patterns]
