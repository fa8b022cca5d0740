"""The daily ETL of orderstream's original design, on Airflow.

check the Olist files -> load them into the warehouse's RAW tables -> dbt build -> dbt test (the
quality checks). Every task is one call of the repo's own commands, so Airflow only orders and
retries them; each exits non-zero on failure, which fails the task and stops the chain.

Configuration, read by the worker at run time (set it in the worker's environment):
  ORDERSTREAM_HOME       the orderstream checkout, after `npm ci` (default: the repo holding this file)
  ORDERSTREAM_DATA_DIR   the folder with the nine Olist CSV files (default: data/kaggle)
  ORDERSTREAM_WAREHOUSE  the load target: duckdb, duckdb:PATH, snowflake (default: duckdb)
  DBT_TARGET             dbt's target: duckdb or snowflake (default: duckdb)
  KAFKA_BROKERS, SNOWFLAKE_*, ORDERSTREAM_DUCKDB_PATH as for the CLI (see docs/configuration.md)
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import DAG, chain
from orderstream_settings import orderstream_home

ORDERSTREAM_HOME = orderstream_home()
DATA_DIR = '"${ORDERSTREAM_DATA_DIR:-data/kaggle}"'
WAREHOUSE = '"${ORDERSTREAM_WAREHOUSE:-duckdb}"'

with DAG(
    dag_id="orderstream_daily_etl",
    description="Check the Olist files, load history, dbt build, quality checks",
    schedule="@daily",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(hours=3),
    default_args={
        "retries": 1,
        "retry_delay": timedelta(minutes=10),
        "cwd": ORDERSTREAM_HOME,
    },
    tags=["orderstream"],
) as dag:
    check_files = BashOperator(
        task_id="check_files",
        bash_command=f"npm run --silent orderstream -- check --data {DATA_DIR}",
        execution_timeout=timedelta(minutes=30),
    )
    load_history = BashOperator(
        task_id="load_history",
        bash_command=f"npm run --silent orderstream -- load-history --data {DATA_DIR} --warehouse {WAREHOUSE}",
        execution_timeout=timedelta(hours=1),
    )
    dbt_build = BashOperator(
        task_id="dbt_build",
        bash_command="npm run --silent dbt -- build",
        execution_timeout=timedelta(hours=1),
    )
    quality_checks = BashOperator(
        task_id="quality_checks",
        bash_command="npm run --silent dbt -- test",
        execution_timeout=timedelta(minutes=30),
    )

    chain(check_files, load_history, dbt_build, quality_checks)
