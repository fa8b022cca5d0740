-- Sales per local purchase month of the business time zone: the metric catalogue of
-- macros/sales_metrics.sql (revenue = GMV, item prices of net orders; order_value adds freight).
{{ orderstream.sales_metrics('purchase_month') }}
