"""Cross-checks between sources after every import: where they disagree, a row in `data_issues`."""

from __future__ import annotations

import duckdb

# Composition sources lump every party but these four into 'OTH' (the Greens too, in the Commons Library's
# Scotland and Wales sheet); compare like with like: a party is itself where the council's composition lists it.
BUCKET = "CASE WHEN {0} IN ('CON', 'LAB', 'LD', 'GRN') THEN {0} ELSE 'OTH' END"
LISTED_BUCKET = """CASE WHEN {0}.party_code IN ('CON', 'LAB', 'LD', 'GRN') AND EXISTS (
    SELECT 1 FROM council_composition l JOIN elections le ON le.id = l.election_id
    WHERE l.ons_code = {0}.ons_code AND l.party_code = {0}.party_code AND {1}) THEN {0}.party_code ELSE 'OTH' END"""
COLUMNS = "kind, election_id, area_code, area_name, party_code, field, source_a, value_a, source_b, value_b, detail"

WON = f"""
    SELECT election_id, ons_code, party, sum(seats) AS seats
    FROM (SELECT *, {LISTED_BUCKET.format("s", "l.election_id = s.election_id")} AS party FROM seats_won s)
    GROUP BY ALL"""
WON_TOTAL = "SELECT election_id, ons_code, sum(seats) AS seats FROM seats_won GROUP BY ALL"
HELD = f"""
    SELECT election_id, ons_code, {BUCKET.format("party_code")} AS party, sum(seats_held) AS seats
    FROM council_composition GROUP BY ALL"""
SOURCES = """
    SELECT election_id, ons_code, min(source_file) AS source_file FROM {table} GROUP BY ALL"""
ALL_OUT = f"""
    SELECT t.election_id, t.ons_code FROM ({WON_TOTAL}) t JOIN council_control c USING (election_id, ons_code)
    WHERE c.total_seats > 0 AND t.seats >= c.total_seats - coalesce(c.vacant_seats, 0)"""
NAME = "(SELECT named.name FROM authorities named WHERE named.ons_code = {0})"
SEAT_NAME = "(SELECT named.name FROM constituencies named WHERE named.ons_code = {0})"

CHECKS: dict[str, str] = {
    # An all-out election fills every seat, so seats won must equal seats held straight after it.
    "seats_won_vs_seats_held": f"""
        SELECT 'seats_won_vs_seats_held', o.election_id, o.ons_code, {NAME.format("o.ons_code")},
               coalesce(w.party, h.party), 'seats', ws.source_file, coalesce(w.seats, 0)::VARCHAR,
               hs.source_file, coalesce(h.seats, 0)::VARCHAR,
               format('{{}} {{}}: every seat was up, {{}} won {{}} but holds {{}} after the election',
                      {NAME.format("o.ons_code")}, o.election_id, coalesce(w.party, h.party),
                      coalesce(w.seats, 0), coalesce(h.seats, 0))
        FROM ({ALL_OUT}) o
        JOIN ({SOURCES.format(table="council_composition")}) hs USING (election_id, ons_code)
        JOIN ({SOURCES.format(table="seats_won")}) ws USING (election_id, ons_code)
        JOIN (({WON}) w FULL JOIN ({HELD}) h USING (election_id, ons_code, party))
             ON coalesce(w.election_id, h.election_id) = o.election_id AND coalesce(w.ons_code, h.ons_code) = o.ons_code
        WHERE coalesce(w.seats, 0) <> coalesce(h.seats, 0)""",
    # Nobody can hold fewer seats after an election than they won in it.
    "seats_won_exceed_seats_held": f"""
        SELECT 'seats_won_exceed_seats_held', w.election_id, w.ons_code, {NAME.format("w.ons_code")}, w.party,
               'seats', ws.source_file, w.seats::VARCHAR, hs.source_file, h.seats::VARCHAR,
               format('{{}} {{}}: {{}} won {{}} seats but holds only {{}} after the election',
                      {NAME.format("w.ons_code")}, w.election_id, w.party, w.seats, h.seats)
        FROM ({WON}) w JOIN ({HELD}) h USING (election_id, ons_code, party)
        JOIN ({SOURCES.format(table="council_composition")}) hs USING (election_id, ons_code)
        JOIN ({SOURCES.format(table="seats_won")}) ws USING (election_id, ons_code)
        WHERE w.seats > h.seats""",
    # 'All' / 'Third' / 'Half' labels against how many seats the candidacies show were filled.
    "seats_up_label": f"""
        SELECT 'seats_up_label', c.election_id, c.ons_code, {NAME.format("c.ons_code")}, NULL, 'seats_up',
               c.source_file, c.seats_up, ws.source_file, format('{{}} of {{}}', t.seats, c.total_seats),
               format('{{}} {{}}: labelled ''{{}}'' up for election, but {{}} of {{}} seats were won',
                      {NAME.format("c.ons_code")}, c.election_id, c.seats_up, t.seats, c.total_seats)
        FROM council_control c JOIN ({WON_TOTAL}) t USING (election_id, ons_code)
        JOIN ({SOURCES.format(table="seats_won")}) ws USING (election_id, ons_code)
        WHERE (c.seats_up = 'All' AND t.seats < c.total_seats - coalesce(c.vacant_seats, 0))
           OR (c.seats_up IN ('Third', 'Half') AND t.seats >= c.total_seats - coalesce(c.vacant_seats, 0))""",
    # Party seats plus vacancies should make the council's size.
    "composition_total": f"""
        SELECT 'composition_total', c.election_id, c.ons_code, {NAME.format("c.ons_code")}, NULL, 'total_seats',
               c.source_file, c.total_seats::VARCHAR, h.source_file, (h.seats + coalesce(c.vacant_seats, 0))::VARCHAR,
               format('{{}} {{}}: the parties'' seats and vacancies add up to {{}}, but the council has {{}}',
                      {NAME.format("c.ons_code")}, c.election_id, h.seats + coalesce(c.vacant_seats, 0), c.total_seats)
        FROM council_control c
        JOIN (SELECT election_id, ons_code, sum(seats_held) AS seats, min(source_file) AS source_file
              FROM council_composition GROUP BY ALL) h USING (election_id, ons_code)
        WHERE h.seats + coalesce(c.vacant_seats, 0) <> c.total_seats""",
    "yearly_total": """
        SELECT 'yearly_total', 'year-' || year, min(ons_code), authority_name, NULL, 'total_seats',
               min(source_file), min(total_seats)::VARCHAR, NULL, sum(seats_held)::VARCHAR,
               format('{} {}: the parties'' seats add up to {}, but the council has {}',
                      authority_name, year, sum(seats_held), min(total_seats))
        FROM council_composition_by_year GROUP BY year, authority_name
        HAVING sum(seats_held) <> min(total_seats)""",
    # Net change as printed against the compositions it is the difference of.
    "net_change": f"""
        WITH composition AS (
            SELECT c.*, e.date FROM council_composition c JOIN elections e ON e.id = c.election_id
        ),
        previous AS (
            SELECT c.election_id, c.ons_code, c.party_code, c.seats_held, c.net_change, c.source_file,
                   p.seats_held AS before, p.source_file AS before_file, p.election_id AS before_election,
                   row_number() OVER (PARTITION BY c.election_id, c.ons_code, c.party_code ORDER BY p.date DESC) AS n
            FROM composition c JOIN composition p
              ON p.ons_code = c.ons_code AND p.party_code = c.party_code AND p.date < c.date
            WHERE c.net_change IS NOT NULL
        )
        SELECT 'net_change', p.election_id, p.ons_code, {NAME.format("p.ons_code")}, p.party_code, 'net_change',
               p.source_file, p.net_change::VARCHAR, p.before_file, (p.seats_held - p.before)::VARCHAR,
               format('{{}} {{}}: net change for {{}} is given as {{}}, but seats held went from {{}} ({{}}) to {{}}',
                      {NAME.format("p.ons_code")}, p.election_id, p.party_code, p.net_change, p.before,
                      p.before_election, p.seats_held)
        FROM previous p WHERE p.n = 1 AND p.net_change <> p.seats_held - p.before""",
    # Party control needs a majority of the seats; no overall control means nobody has one. A label its own
    # file's seats contradict was not followed (corpus/results/control.py): the label against the seats.
    "control_vs_seats_held": f"""
        SELECT 'control_vs_seats_held', c.election_id, c.ons_code, {NAME.format("c.ons_code")}, c.control,
               'control', c.source_file, c.control_printed, h.source_file,
               format('{{}} {{}} of {{}}', c.control, h.seats, c.total_seats),
               format('{{}} {{}}: the control label is ''{{}}'', but {{}} holds {{}} of {{}} seats: control is taken '
                      'from the seats', {NAME.format("c.ons_code")}, c.election_id, c.control_printed, c.control,
                      h.seats, c.total_seats)
        FROM council_control c
        LEFT JOIN (SELECT election_id, ons_code, party_code, sum(seats_held) AS seats, min(source_file) AS source_file
                   FROM council_composition GROUP BY ALL) h
               ON h.election_id = c.election_id AND h.ons_code = c.ons_code AND h.party_code = c.control
        WHERE c.label_control IS DISTINCT FROM c.control
        UNION ALL
        SELECT 'control_vs_seats_held', c.election_id, c.ons_code, {NAME.format("c.ons_code")}, c.control,
               'control', c.source_file, c.control, h.source_file, format('{{}} of {{}}', h.seats, c.total_seats),
               format('{{}} {{}}: control is given as {{}}, but {{}} holds {{}} of {{}} seats',
                      {NAME.format("c.ons_code")}, c.election_id, c.control, h.party_code, h.seats, c.total_seats)
        FROM council_control c
        JOIN (SELECT election_id, ons_code, party_code, sum(seats_held) AS seats, min(source_file) AS source_file
              FROM council_composition WHERE party_code <> 'OTH' GROUP BY ALL) h USING (election_id, ons_code)
        WHERE c.label_control IS NOT DISTINCT FROM c.control
          AND ((c.control = h.party_code AND h.seats * 2 <= c.total_seats)
               OR (c.control = 'NOC' AND h.seats * 2 > c.total_seats))""",
    # Open Council Data's yearly snapshot against the composition straight after that year's election.
    "seats_held_vs_yearly": f"""
        WITH held AS (
            SELECT c.election_id, year(e.date) AS year, c.ons_code, {BUCKET.format("c.party_code")} AS party,
                   sum(c.seats_held) AS seats, min(c.source_file) AS source_file
            FROM council_composition c JOIN elections e ON e.id = c.election_id GROUP BY ALL
            UNION ALL  -- the yearly snapshots count vacancies as 'other'
            SELECT k.election_id, year(e.date), k.ons_code, 'OTH', k.vacant_seats, k.source_file
            FROM council_control k JOIN elections e ON e.id = k.election_id WHERE k.vacant_seats > 0
        ),
        after AS (SELECT election_id, year, ons_code, party, sum(seats) AS seats, min(source_file) AS source_file
                  FROM held GROUP BY ALL),
        yearly AS (SELECT year, ons_code, party, sum(seats_held) AS seats, min(source_file) AS source_file
                   FROM (SELECT *, {LISTED_BUCKET.format("y", "year(le.date) = y.year")} AS party
                         FROM council_composition_by_year y WHERE ons_code IS NOT NULL)
                   GROUP BY ALL)
        SELECT 'seats_held_vs_yearly', a.election_id, a.ons_code, {NAME.format("a.ons_code")}, a.party,
               'seats_held', a.source_file, a.seats::VARCHAR, y.source_file, y.seats::VARCHAR,
               format('{{}} {{}}: {{}} holds {{}} seats after the election but {{}} in the {{}} yearly snapshot',
                      {NAME.format("a.ons_code")}, a.election_id, a.party, a.seats, y.seats, a.year)
        FROM after a JOIN yearly y USING (year, ons_code, party)
        WHERE a.seats <> y.seats""",
    "control_vs_yearly": f"""
        SELECT 'control_vs_yearly', c.election_id, c.ons_code, {NAME.format("c.ons_code")}, NULL, 'control',
               c.source_file, c.control, min(y.source_file), min(y.control_printed),
               format('{{}} {{}}: control is {{}} after the election but {{}} (''{{}}'') in the {{}} yearly snapshot',
                      {NAME.format("c.ons_code")}, c.election_id, c.control, min(y.control),
                      min(y.control_printed), year(e.date))
        FROM council_control c JOIN elections e ON e.id = c.election_id
        JOIN council_composition_by_year y ON y.ons_code = c.ons_code AND y.year = year(e.date)
        WHERE y.control IS NOT NULL AND c.control IS NOT NULL AND y.control <> c.control
        GROUP BY c.election_id, c.ons_code, c.source_file, c.control, e.date""",
    "control_label": """
        SELECT 'control_label', election_id, ons_code, NULL, NULL, 'control', source_file, control_printed, NULL, NULL,
               format('{} {}: the control label ''{}'' is neither NOC nor a party hustings knows; control is unknown',
                      ons_code, election_id, control_printed)
        FROM council_control WHERE control IS NULL AND control_printed IS NOT NULL
        UNION ALL
        SELECT 'control_label', 'year-' || year, min(ons_code), authority_name, NULL, 'control',
               min(source_file), min(control_printed), NULL, NULL,
               format('{} {}: the control label ''{}'' is neither NOC nor a party hustings knows; control is unknown',
                      authority_name, year, min(control_printed))
        FROM council_composition_by_year
        WHERE control IS NULL AND control_printed NOT ILIKE '%mayor%' GROUP BY year, authority_name""",
    "unresolved_authority": """
        SELECT 'unresolved_authority', NULL, NULL, authority_name, NULL, 'authority_name', min(source_file),
               authority_name, NULL, NULL,
               format('no imported file gives an ONS code for the council ''{}'': its yearly seats are stored '
                      'under the name only', authority_name)
        FROM council_composition_by_year WHERE ons_code IS NULL GROUP BY authority_name""",
    "unresolved_roster_council": """
        SELECT 'unresolved_roster_council', 'year-' || min(year), NULL, authority_name, NULL, 'authority_name',
               min(source_file), authority_name, NULL, NULL,
               format('no imported file gives an ONS code for the council ''{}'': its councillors are stored '
                      'under the name only', authority_name)
        FROM councillors WHERE ons_code IS NULL GROUP BY authority_name""",
    # One person twice in one ward of a roster: the file counts each line as a seat, so one seat's holder is wrong.
    "roster_listed_twice": """
        SELECT 'roster_listed_twice', 'year-' || year, min(ons_code), authority_name, NULL, 'councillor',
               min(source_file), min(councillor), NULL, count(*)::VARCHAR,
               format('{} {}: {} is listed {} times in {} ward (lines {}); each line is a seat, so the roster names '
                      'fewer councillors than it has seats', authority_name, year, min(councillor), count(*),
                      ward_name, string_agg(line::VARCHAR, ', ' ORDER BY line))
        FROM councillors WHERE councillor IS NOT NULL
        GROUP BY year, authority_name, ward_name, norm_name(councillor) HAVING count(*) > 1""",
    # A roster's seats against Open Council Data's own yearly count of the council's seats.
    "roster_vs_yearly": """
        SELECT 'roster_vs_yearly', 'year-' || r.year, r.ons_code, r.authority_name, NULL, 'total_seats',
               r.source_file, r.seats::VARCHAR, y.source_file, y.total_seats::VARCHAR,
               format('{} {}: the roster lists {} seats, the yearly count {}', r.authority_name, r.year, r.seats,
                      y.total_seats)
        FROM (SELECT year, authority_name, min(ons_code) AS ons_code, count(*) AS seats,
                     min(source_file) AS source_file FROM councillors GROUP BY ALL) r
        JOIN (SELECT year, authority_name, min(total_seats) AS total_seats, min(source_file) AS source_file
              FROM council_composition_by_year GROUP BY ALL) y
          ON y.year = r.year AND norm_name(y.authority_name) = norm_name(r.authority_name)
        WHERE r.seats <> y.total_seats""",
    "unresolved_constituency": """
        SELECT 'unresolved_constituency', min(election_id), NULL, constituency_name, NULL, 'constituency_name',
               min(source_file), constituency_name, NULL, NULL,
               format('no imported file gives an ONS code for the constituency ''{}''', constituency_name)
        FROM constituency_candidacies WHERE ons_code IS NULL GROUP BY constituency_name""",
    "ambiguous_alias": """
        SELECT 'ambiguous_alias', NULL, NULL, alias, NULL, 'alias', min(source_file),
               string_agg(DISTINCT ons_code, ' '), NULL, NULL,
               format('the name ''{}'' is used for {} councils ({}): it resolves to none of them',
                                  alias, count(DISTINCT ons_code), string_agg(DISTINCT ons_code, ', '))
        FROM authority_aliases GROUP BY alias HAVING count(DISTINCT ons_code) > 1
        UNION ALL
        SELECT 'ambiguous_alias', NULL, NULL, alias, NULL, 'alias', min(source_file),
               string_agg(DISTINCT ons_code, ' '), NULL, NULL,
               format('the name ''{}'' is used for {} constituencies ({}): it resolves to none of them',
                                  alias, count(DISTINCT ons_code), string_agg(DISTINCT ons_code, ', '))
        FROM constituency_aliases GROUP BY alias HAVING count(DISTINCT ons_code) > 1""",
    "winner_vs_candidates": f"""
        WITH winners AS (
            SELECT election_id, ons_code, count(*) AS n, min(party_code) AS party_code, min(source_file) AS source_file,
                   string_agg(candidate, ', ') AS names
            FROM constituency_candidacies WHERE elected AND ons_code IS NOT NULL GROUP BY ALL
        )
        SELECT 'winner_vs_candidates', r.election_id, r.ons_code, {SEAT_NAME.format("r.ons_code")}, r.party_code,
               'party_code', r.source_file, r.party_code, w.source_file,
               CASE WHEN w.n = 1 THEN w.party_code ELSE w.n || ' winners' END,
               format('{{}} {{}}: the result names a {{}} winner, the candidates {{}}',
                      {SEAT_NAME.format("r.ons_code")}, r.election_id, r.party_code,
                      CASE WHEN w.n = 1 THEN 'a ' || w.party_code || ' winner (' || w.names || ')'
                           ELSE w.n || ' winners (' || w.names || ')' END)
        FROM constituency_results r JOIN winners w USING (election_id, ons_code)
        WHERE w.n <> 1 OR w.party_code <> r.party_code""",
    # Candidates' votes against the by-constituency votes: parties with their own column, the rest as OTH.
    "votes_vs_candidates": f"""
        WITH columned AS (
            SELECT DISTINCT election_id, party_code FROM constituency_votes WHERE party_code <> 'OTH'
        ),
        candidates AS (
            SELECT c.election_id, c.ons_code,
                   CASE WHEN k.party_code IS NULL THEN 'OTH' ELSE c.party_code END AS party_code,
                   sum(c.votes) AS votes, min(c.source_file) AS source_file
            FROM constituency_candidacies c LEFT JOIN columned k USING (election_id, party_code)
            WHERE c.ons_code IS NOT NULL GROUP BY ALL
        ),
        counted AS (
            SELECT v.election_id, v.ons_code, v.party_code, v.votes, v.source_file FROM constituency_votes v
            WHERE EXISTS (SELECT 1 FROM candidates c WHERE c.election_id = v.election_id AND c.ons_code = v.ons_code)
        ),
        both_sides AS (
            SELECT coalesce(v.election_id, c.election_id) AS election_id, coalesce(v.ons_code, c.ons_code) AS ons_code,
                   coalesce(v.party_code, c.party_code) AS party_code, coalesce(v.votes, 0) AS counted,
                   coalesce(c.votes, 0) AS candidates
            FROM counted v FULL JOIN candidates c USING (election_id, ons_code, party_code)
        )
        SELECT 'votes_vs_candidates', b.election_id, b.ons_code, {SEAT_NAME.format("b.ons_code")}, b.party_code,
               'votes', r.source_file, b.counted::VARCHAR, s.source_file, b.candidates::VARCHAR,
               format('{{}} {{}}: {{}} has {{}} votes by constituency but {{}} summed over its candidates',
                      {SEAT_NAME.format("b.ons_code")}, b.election_id, b.party_code, b.counted, b.candidates)
        FROM both_sides b
        JOIN constituency_results r USING (election_id, ons_code)
        JOIN (SELECT election_id, ons_code, min(source_file) AS source_file FROM constituency_candidacies
              GROUP BY ALL) s USING (election_id, ons_code)
        WHERE b.counted <> b.candidates""",
    "overlapping_files": """
        SELECT 'overlapping_files', election_id, ons_code, NULL, NULL, 'source_file', min(source_file), NULL,
               max(source_file), NULL,
               format('{} {}: candidacies come from {} files ({}); their rows may be counted twice',
                      ons_code, election_id, count(DISTINCT source_file), string_agg(DISTINCT source_file, ', '))
        FROM (SELECT election_id, ons_code, source_file FROM candidacies
              UNION ALL SELECT election_id, ons_code, source_file FROM constituency_candidacies)
        WHERE ons_code IS NOT NULL GROUP BY election_id, ons_code HAVING count(DISTINCT source_file) > 1""",
}


def record_issues(con: duckdb.DuckDBPyConnection) -> int:
    """Recompute `data_issues` from the whole store; returns how many there are."""
    con.execute("DELETE FROM data_issues")
    for query in CHECKS.values():
        con.execute(f"INSERT INTO data_issues ({COLUMNS}) {query}")
    row = con.execute("SELECT count(*) FROM data_issues").fetchone()
    return int(row[0]) if row else 0
