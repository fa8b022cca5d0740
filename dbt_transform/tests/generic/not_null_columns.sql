{#
  Fails when any of `columns` is null in any row: dbt's `not_null` for several columns of one
  model in a single scan, so a build runs one test node per model instead of one per column.
  The failing row counts the nulls per column (`<column>_nulls`), naming the culprits.
#}
{% test not_null_columns(model, columns) %}
select *
from (
    select
        count(*) as rows_checked,
        {%- for column in columns %}
        sum(case when {{ column }} is null then 1 else 0 end) as {{ column }}_nulls{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ model }}
) as null_counts
where {% for column in columns %}{{ column }}_nulls > 0{{ ' or ' if not loop.last }}{% endfor %}
{% endtest %}
