-- Sales per local purchase day of the business time zone (23- and 25-hour days included): the
-- metric catalogue of macros/sales_metrics.sql.
{{ orderstream.sales_metrics('purchase_date') }}
