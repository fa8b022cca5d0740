-- Sales per local purchase hour of the business time zone: the metric catalogue of
-- macros/sales_metrics.sql (revenue = GMV, item prices of net orders; order_value adds freight).
-- A DST change day has 23 or 25 hours: the repeated hour of a fall-back night is one row holding
-- both (naive local time), the skipped hour of a spring-forward night has none.
{{ orderstream.sales_metrics('purchase_hour') }}
