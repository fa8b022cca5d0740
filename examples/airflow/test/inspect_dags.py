"""Load a DAG folder with Airflow's own DagBag (as a bundle) and print what it found as JSON on stdout.

    python inspect_dags.py DAG_FOLDER OUT_JSON

Writes {"airflow": version, "import_errors": {relative file: message}, "dags": {dag_id: {...}}} with, per
DAG, its schedule, timetable class and cron expression, catchup, max_active_runs, max_active_tasks and, per
task, its operator, upstream and downstream task ids, bash_command and cwd. The caller asserts. The result goes
to a file because Airflow logs to stdout.
"""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from pathlib import Path

import airflow
from airflow.dag_processing.dagbag import BundleDagBag


def schedule_of(schedule: object) -> object:
    """A timedelta as {"seconds": n}; a cron string or preset as itself."""
    if isinstance(schedule, timedelta):
        return {"seconds": schedule.total_seconds()}
    return schedule


def main(folder: str, out: str) -> None:
    # The folder as a DAG bundle, as Airflow 3's DAG processor parses it: on sys.path (so the DAGs'
    # shared module imports), no example DAGs; safe_mode off so every .py is parsed.
    bag = BundleDagBag(dag_folder=folder, bundle_path=Path(folder), safe_mode=False)
    dags = {}
    for dag_id, dag in bag.dags.items():
        dags[dag_id] = {
            "schedule": schedule_of(dag.schedule),
            "timetable": type(dag.timetable).__name__,
            "cron": getattr(dag.timetable, "expression", None),
            "catchup": dag.catchup,
            "max_active_runs": dag.max_active_runs,
            "max_active_tasks": dag.max_active_tasks,
            "tasks": {
                task.task_id: {
                    "operator": type(task).__name__,
                    "upstream": sorted(task.upstream_task_ids),
                    "downstream": sorted(task.downstream_task_ids),
                    "bash_command": getattr(task, "bash_command", None),
                    "cwd": getattr(task, "cwd", None),
                    "retries": task.retries,
                    "has_failure_callback": bool(task.on_failure_callback),
                }
                for task in dag.tasks
            },
        }
    with open(out, "w", encoding="utf-8") as file:
        json.dump(
            {"airflow": airflow.__version__, "import_errors": dict(bag.import_errors), "dags": dags},
            file,
            default=str,
        )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
