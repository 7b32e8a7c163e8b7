"""dora-metrics, the weekly run as an Airflow DAG: every Monday at 06:00 in the reporting time zone.

The week runs Monday to Sunday in `reporting.timezone` of the config (Europe/Berlin here: use yours). At 06:00 on
Monday that week has ended, and the sources have had six hours to deliver Sunday's last records. The report date is
the day the interval ends (`--as-of`), so clearing an old run in Airflow recomputes exactly that week's report.

Install: copy to the DAGs folder of a worker that has the project built in /opt/dora-metrics (or change
DORA_COMMAND to a spark-submit of jobs/target/dora-metrics.jar). The secrets the config names in token_env come from
the worker's environment or an Airflow connection exported to it; never put them in this file.
"""

import pendulum
from airflow import DAG

try:  # Airflow 3
    from airflow.providers.standard.operators.bash import BashOperator
except ImportError:  # Airflow 2
    from airflow.operators.bash import BashOperator

REPORTING_TIMEZONE = "Europe/Berlin"
DORA_COMMAND = "/opt/dora-metrics/scripts/dora run --config /etc/dora-metrics/dora.yaml"

with DAG(
    dag_id="dora_metrics_weekly",
    description="dora-metrics: collect, normalize, metrics and report for the week just ended",
    schedule="0 6 * * 1",
    start_date=pendulum.datetime(2026, 1, 5, 6, 0, tz=REPORTING_TIMEZONE),
    catchup=False,
    max_active_runs=1,  # the output lock would stop a second run anyway
    default_args={"retries": 1, "retry_delay": pendulum.duration(minutes=30)},
    tags=["dora-metrics"],
) as dag:
    BashOperator(
        task_id="dora_run",
        bash_command=DORA_COMMAND
        + " --as-of {{ data_interval_end.in_timezone('" + REPORTING_TIMEZONE + "').strftime('%Y-%m-%d') }}",
        execution_timeout=pendulum.duration(hours=6),
    )
