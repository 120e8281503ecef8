"""The test helper that reads the report's tables reads all of them."""

from tests.report_tables import case_studies_6_1, enterprises_3_3, policies_3_2


def test_the_report_tables_are_read_whole():
    assert [row[0] for row in enterprises_3_3()] == list(range(1, 101))
    assert [row[0] for row in case_studies_6_1()] == list(range(1, 16))
    assert [row[0] for row in policies_3_2()] == list(range(1, 18))
