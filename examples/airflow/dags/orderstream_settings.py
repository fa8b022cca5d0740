"""Where the orderstream DAGs find the checkout whose commands they run."""

from __future__ import annotations

import os
from pathlib import Path


def orderstream_home() -> str:
    """ORDERSTREAM_HOME, or the checkout holding this file when it still sits in examples/airflow/dags.

    Raises RuntimeError (an import error of the DAG, shown by Airflow) when neither applies, e.g.
    when the DAG files were copied into Airflow's own dags folder without setting ORDERSTREAM_HOME.
    """
    configured = os.environ.get("ORDERSTREAM_HOME")
    if configured:
        return configured
    here = Path(__file__).resolve().parent
    if here.match("examples/airflow/dags"):
        return str(here.parents[2])
    raise RuntimeError(f"set ORDERSTREAM_HOME to the orderstream checkout (the DAGs are in {here})")
