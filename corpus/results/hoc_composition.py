"""Commons Library CBP-9545: council composition and control after two elections, one sheet per part of Britain.

The England sheet has 2018 and 2022. The Scotland and Wales sheet has 2017 and 2022, and one column, `snp_pc`,
for the SNP's seats on a Scottish council and Plaid Cymru's on a Welsh one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from corpus.results.elections import election_id, may_polling_day, record_elections
from corpus.results.parties import control_sql
from corpus.results.records import ResultsFormat
from corpus.results.stage import require, require_unique, sql_string, stage_csv

# The sheet's one nationalist column (and its control label 'SNP/PC') is the SNP's on a Scottish council, Plaid
# Cymru's on a Welsh one: no council stands in both nations, so the ONS code's first letter says which party.
NATIONALIST = "CASE left(ons_code, 1) WHEN 'S' THEN 'SNP' WHEN 'W' THEN 'PC' END"


@dataclass(frozen=True, slots=True)
class CompositionSheet:
    """What one sheet's columns are and mean; its `stage` reads a file of that sheet."""

    years: tuple[int, int]  # the earlier election, then the one the sheet is about (seats up, vacancies, net change)
    parties: tuple[tuple[str, str], ...]  # (column stem, SQL giving that column's party code)
    leading: tuple[str, ...]  # the text columns before the first year's seats
    codes: str  # the ONS codes the sheet may hold, as a regular expression
    after_control: tuple[str, ...] = ()  # text columns between the last control column and the net changes
    labels: tuple[tuple[str, str], ...] = ()  # control labels naming a column, not a party: (label, SQL party code)
    council_type: str = "council_type"  # SQL for the council's type; NULL: its code's prefix says
    region: str = "region"  # SQL for the council's region
    alias: str | None = None  # SQL for an everyday spelling of the council's name, kept as another alias

    @property
    def columns(self) -> tuple[tuple[str, str], ...]:
        """The sheet's header, with DuckDB types."""
        earlier, latest = self.years
        counts = [(f"{stem}_{year}", "UINTEGER") for year in (earlier, latest) for stem, _ in self.parties]
        half = len(self.parties)
        return (
            *((name, "VARCHAR") for name in self.leading),
            *counts[:half],
            (f"total_{earlier}", "UINTEGER"),
            (f"control_{earlier}", "VARCHAR"),
            *counts[half:],
            (f"vacant_{latest}", "UINTEGER"),
            (f"total_{latest}", "UINTEGER"),
            (f"control_{latest}", "VARCHAR"),
            *((name, "VARCHAR") for name in self.after_control),
            *((f"net_{stem}", "INTEGER") for stem, _ in self.parties),
        )

    def control(self, column: str) -> str:
        """SQL reading a control label: the sheet's own labels first, then any party spelling or NOC."""
        own = " ".join(f"WHEN norm_name({column}) = norm_name({sql_string(label)}) THEN {code}"
                       for label, code in self.labels)
        return f"CASE {own} ELSE {control_sql(column)} END" if own else control_sql(column)

    def stage(self, con: duckdb.DuckDBPyConnection, path: Path, fmt: ResultsFormat) -> None:
        """Stage composition (seats held, net change), control and council names for both years."""
        stage_csv(con, path, fmt.columns, nullstr=fmt.nullstr)
        require(
            con,
            path,
            f"regexp_matches(ons_code, '{self.codes}')",
            field="ons_code",
            problem="{value} is not an ONS council code of this sheet",
            fix="correct that line",
        )
        require_unique(con, path, ("ons_code",), what="the council")
        earlier, latest = self.years
        for year in self.years:
            # A council that did not exist yet ('-' throughout, read as NULL) has no row for that year.
            require(
                con,
                path,
                f"(total_{year} IS NULL) = (control_{year} IS NULL)",
                field=f"control_{year}",
                problem=f"control_{year} is {{value}} but total_{year} does not match it (both given, or both '-')",
                fix="correct that line",
                show=f"control_{year}",
            )
        elections = {year: election_id("local", may_polling_day(year)) for year in self.years}
        record_elections(con, list(elections.values()))
        control = {year: self.control(f"control_{year}") for year in self.years}
        con.execute(
            "CREATE OR REPLACE TEMP TABLE new_council_control AS "
            + " UNION ALL ".join(
                f"""SELECT '{elections[year]}' AS election_id, ons_code, {control[year]} AS control,
                           control_{year} AS control_printed, total_{year} AS total_seats,
                           {f"coalesce(vacant_{year}, 0)" if year == latest else "NULL::INTEGER"} AS vacant_seats,
                           {"seats_up" if year == latest else "NULL"} AS seats_up
                    FROM staged WHERE total_{year} IS NOT NULL"""
                for year in self.years
            )
        )
        con.execute(
            "CREATE OR REPLACE TEMP TABLE new_council_composition AS "
            + " UNION ALL ".join(
                f"""SELECT '{elections[year]}' AS election_id, ons_code, {code} AS party_code,
                           {stem}_{year} AS seats_held,
                           {f"net_{stem}" if year == latest else "NULL::INTEGER"} AS net_change,
                           {control[year]} AS control
                    FROM staged WHERE {stem}_{year} IS NOT NULL"""
                for year in self.years
                for stem, code in self.parties
            )
        )
        everyday = (f" UNION SELECT ons_code, {self.alias}, NULL, NULL, true FROM staged "
                    f"WHERE {self.alias} <> council_name" if self.alias else "")
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE new_authority_names AS
            SELECT DISTINCT ons_code AS code, council_name AS name, {self.council_type} AS type,
                   {self.region} AS region, false AS alias_only
            FROM staged{everyday}
            """
        )


ENGLAND = CompositionSheet(
    years=(2018, 2022),
    parties=(("con", "'CON'"), ("lab", "'LAB'"), ("ld", "'LD'"), ("grn", "'GRN'"), ("oth", "'OTH'")),
    leading=("ons_code", "council_name", "boundary_change", "new_council", "council_type", "seats_up", "region"),
    codes="^[EW][0-9]{8}$",
)
SCOTLAND_WALES = CompositionSheet(
    years=(2017, 2022),
    parties=(("con", "'CON'"), ("lab", "'LAB'"), ("ld", "'LD'"), ("snp_pc", NATIONALIST), ("others", "'OTH'")),
    leading=("ons_code", "council_name", "boundary_change", "council_type", "seats_up", "region"),
    codes="^[SW][0-9]{8}$",
    after_control=("control_losses", "control_gains"),  # free text ("No change"), not kept
    labels=(("SNP/PC", NATIONALIST),),
    # Its council_type and region columns say only the nation (authorities.nation has it); every Scottish and
    # Welsh council is a unitary one, which the code's prefix says.
    council_type="NULL",
    region="NULL",
    # "Glasgow City", "City of Edinburgh": asked about as Glasgow and Edinburgh.
    alias="trim(regexp_replace(council_name, '^City of | City$', '', 'g'))",
)

def composition_format(id: str, sheet: CompositionSheet, title: str, description: str) -> ResultsFormat:
    """A sheet of CBP-9545's composition workbook as a results format."""
    return ResultsFormat(
        id=id,
        dataset=f"Local elections 2022 (CBP-9545): {title}",
        licence="Open Parliament Licence v3.0",
        publisher="House of Commons Library",
        url="https://commonslibrary.parliament.uk/research-briefings/cbp-9545/",
        columns=sheet.columns,
        stage=sheet.stage,
        nullstr=("", "-"),
        description=f"Commons Library CBP-9545 {description}",
    )


HOC_COMPOSITION = composition_format(
    "hoc-council-composition", ENGLAND, "council composition and control",
    "England sheet (ons_code, council_name, ..., con_2018, ..., net_oth)")
HOC_COMPOSITION_SCOTLAND_WALES = composition_format(
    "hoc-council-composition-scotland-wales", SCOTLAND_WALES, "council composition and control, Scotland and Wales",
    "Scotland and Wales sheet (ons_code, council_name, ..., con_2017, ..., net_others)")
