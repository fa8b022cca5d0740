"""The 5-minute monitor of orderstream's original design, on Airflow.

Three checks of the running pipeline, one task each so the grid shows which one fails:
freshness of the streamed rows in the warehouse, dead letters appended to the DLQ topic within
the last five minutes, and the sink group's consumer lag. Each is `orderstream health --rule X`,
which exits 1 when the rule fails: the task fails and `on_failure_callback` raises the alert
(it logs here; swap in your notifier, e.g. a Slack or e-mail one from the Airflow providers).

The tasks run one at a time (a DuckDB file admits one process), never retry (the next run is
five minutes away) and never catch up.

Configuration, read by the worker at run time (set it in the worker's environment):
  ORDERSTREAM_HOME        the orderstream checkout, after `npm ci` (default: the repo holding this file)
  ORDERSTREAM_WAREHOUSE   where the sink writes: duckdb, duckdb:PATH, snowflake (default: duckdb)
  ORDERSTREAM_HEALTH_ARGS extra options of `orderstream health` (--max-staleness-s, --max-lag, --group, ...)
  KAFKA_BROKERS, SNOWFLAKE_* as for the CLI (see docs/configuration.md)
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import DAG
from orderstream_settings import orderstream_home

ORDERSTREAM_HOME = orderstream_home()
RULES = ("freshness", "dead-letters", "lag")

log = logging.getLogger(__name__)


def alert_on_failure(context) -> None:
    """Raise the alert for a failed check (replace with your notifier)."""
    log.error(
        "orderstream unhealthy: %s failed in run %s",
        context["task_instance"].task_id,
        context.get("run_id"),
    )


with DAG(
    dag_id="orderstream_monitor",
    description="Freshness, dead-letter growth and consumer lag of the streaming pipeline",
    schedule=timedelta(minutes=5),
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    max_active_tasks=1,
    dagrun_timeout=timedelta(minutes=5),
    default_args={
        "retries": 0,
        "cwd": ORDERSTREAM_HOME,
        "execution_timeout": timedelta(minutes=2),
        "on_failure_callback": alert_on_failure,
    },
    tags=["orderstream", "monitoring"],
) as dag:
    for rule in RULES:
        BashOperator(
            task_id=f"check_{rule.replace('-', '_')}",
            bash_command=(
                "npm run --silent orderstream -- health"
                ' --warehouse "${ORDERSTREAM_WAREHOUSE:-duckdb}"'
                f" --dead-letter-window-s 300 --rule {rule}"
                " ${ORDERSTREAM_HEALTH_ARGS:-}"
            ),
        )
