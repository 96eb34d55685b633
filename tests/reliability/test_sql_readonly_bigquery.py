"""Issue 15 item 2 on the BigQuery emulator: `nbkit sql` sends only queries.

`nbkit sql "DROP TABLE ..."` once printed OK and dropped the table on BigQuery. Now the
text is refused before any job, the table is still there, and a query still answers
(through the dry run that confirms its statement type).
"""

from __future__ import annotations

import pytest

from tests.engine.toys import schedule
from tests.reliability.helpers import assert_one_line_fix, run_cli

pytestmark = [pytest.mark.reliability, pytest.mark.bigquery]
URL = "bigquery://nba-props-platform"


@pytest.mark.parametrize("statement", [
    "DROP TABLE `nba-props-platform.nba_raw.nbac_schedule`",
    "DELETE FROM `nba-props-platform.nba_raw.nbac_schedule` WHERE TRUE",
    "SELECT 1 AS x; DROP TABLE `nba-props-platform.nba_raw.nbac_schedule`"],
    ids=["drop", "delete", "script"])
def test_sql_write_is_refused_on_bigquery_and_the_table_survives(capsys, bigquery_warehouse,
                                                                 statement):
    wh = bigquery_warehouse
    wh.init_schema()
    wh.write_frame("nba_raw.nbac_schedule", schedule(days=3))
    result = run_cli(capsys, "sql", statement, "--warehouse", URL)
    assert_one_line_fix(result, "read-only", "nbkit backfill")
    assert wh.table_exists("nba_raw.nbac_schedule")
    count = wh.query("SELECT COUNT(*) AS n FROM `nba-props-platform.nba_raw.nbac_schedule` "
                     "WHERE game_date IS NOT NULL")["n"].iloc[0]
    assert int(count) > 0


def test_sql_query_still_answers_on_bigquery(capsys, bigquery_warehouse):
    wh = bigquery_warehouse
    wh.init_schema()
    assert wh.dry_run_statement_types("SELECT 1 AS x") in ([None], ["SELECT"])
    result = run_cli(capsys, "sql", "SELECT 1 AS x", "--warehouse", URL)
    assert result.code == 0, result.err
    assert result.out.split() == ["x", "1"]
