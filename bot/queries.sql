-- The results queries, by name: each bot/registry.yaml intent names the ones it runs (bot/sql.py loads them).
-- Parameters are bound ($election, $council, $party …), never pasted; a party or place is selected by its
-- code too, so a follow-up carries codes, not display names.

-- name: seats_won
SELECT p.name AS party, s.party_code, s.seats AS seats_won,
       (SELECT sum(seats) FROM seats_won WHERE election_id = $election AND ons_code = $council) AS seats_contested,
       s.source_file
FROM seats_won s JOIN parties p ON p.code = s.party_code
WHERE s.election_id = $election AND s.ons_code = $council AND s.party_code = $party;

-- name: council_result
SELECT p.name AS party, s.party_code, s.seats AS seats_won, s.source_file
FROM seats_won s JOIN parties p ON p.code = s.party_code
WHERE s.election_id = $election AND s.ons_code = $council
ORDER BY s.seats DESC, p.name;

-- name: seats_held
SELECT p.name AS party, c.party_code, c.seats_held, c.net_change, k.total_seats, c.source_file
FROM council_composition c JOIN parties p ON p.code = c.party_code
JOIN council_control k USING (election_id, ons_code)
WHERE c.election_id = $election AND c.ons_code = $council AND c.party_code = $party;

-- name: composition
SELECT p.name AS party, c.party_code, c.seats_held, c.net_change, k.total_seats, c.source_file
FROM council_composition c JOIN parties p ON p.code = c.party_code
JOIN council_control k USING (election_id, ons_code)
WHERE c.election_id = $election AND c.ons_code = $council AND c.seats_held > 0
ORDER BY c.seats_held DESC, p.name;

-- name: control
-- With the source's own control label where its seat counts say otherwise (`relabelled`: control goes by them).
SELECT k.control, coalesce(p.name, 'No overall control') AS controlled_by, k.total_seats,
       (SELECT seats_held FROM council_composition c
        WHERE c.election_id = k.election_id AND c.ons_code = k.ons_code AND c.party_code = k.control) AS seats_held,
       k.label_control IS DISTINCT FROM k.control AS relabelled, k.label_control, k.control_printed AS label_printed,
       pl.name AS label_party, k.source_file
FROM council_control k LEFT JOIN parties p ON p.code = k.control LEFT JOIN parties pl ON pl.code = k.label_control
WHERE k.election_id = $election AND k.ons_code = $council;

-- name: control_changes
-- Councils whose control after $election differs from after their own previous election (the view
-- control_compared, corpus/schema.sql). `before_days` (`before_count`) are the days compared with.
WITH changed AS (
    SELECT now.*, a.name AS council FROM control_compared now JOIN authorities a ON a.ons_code = now.ons_code
    WHERE now.election_id = $election AND now.before_date IS NOT NULL AND now.control IS DISTINCT FROM now.before_control
      AND ($party IS NULL OR ($gain AND now.control = $party) OR (NOT $gain AND now.before_control = $party))
      AND ($region IS NULL OR $region IN (a.region, a.nation)) AND ($council_type IS NULL OR a.type = $council_type)
),
days AS (
    SELECT string_agg(strftime(d, '%-d %B %Y'), ' or ' ORDER BY d) AS before_days, count(*) AS before_count
    FROM (SELECT DISTINCT before_date AS d FROM changed)
)
SELECT s.council, s.ons_code, coalesce(pb.name, 'No overall control') AS control_before,
       coalesce(pa.name, 'No overall control') AS control_after, s.relabelled, days.before_days, days.before_count,
       s.source_file
FROM changed s CROSS JOIN days
LEFT JOIN parties pa ON pa.code = s.control
LEFT JOIN parties pb ON pb.code = s.before_control
ORDER BY s.council;

-- name: control_before_held
-- The councils (in scope) with control after $election and after an earlier election of their own, and the days
-- of those earlier elections: with none, no change of control can be said.
WITH held AS (
    SELECT c.* FROM control_compared c JOIN authorities a USING (ons_code)
    WHERE c.election_id = $election AND c.before_date IS NOT NULL
      AND ($region IS NULL OR $region IN (a.region, a.nation)) AND ($council_type IS NULL OR a.type = $council_type)
)
SELECT count(*) AS recorded, count(DISTINCT before_date) AS before_count,
       (SELECT string_agg(strftime(d, '%-d %B %Y'), ' or ' ORDER BY d) FROM (SELECT DISTINCT before_date AS d FROM held))
           AS before_days
FROM held;

-- name: largest_party
SELECT p.name AS party, c.party_code, c.seats_held, k.total_seats, k.control, c.source_file
FROM council_composition c JOIN parties p ON p.code = c.party_code
JOIN council_control k USING (election_id, ons_code)
WHERE c.election_id = $election AND c.ons_code = $council AND c.party_code <> 'OTH'
ORDER BY c.seats_held DESC
LIMIT 2;

-- name: council_ranking
SELECT a.name AS council, s.ons_code, s.seats AS seats_won, s.source_file
FROM seats_won s JOIN authorities a USING (ons_code)
WHERE s.election_id = $election AND s.party_code = $party AND s.seats > 0
  AND ($region IS NULL OR $region IN (a.region, a.nation)) AND ($council_type IS NULL OR a.type = $council_type)
ORDER BY s.seats DESC, a.name
LIMIT $limit;

-- name: change_ranking
SELECT a.name AS council, c.ons_code, c.net_change, c.seats_held, c.source_file
FROM council_composition c JOIN authorities a USING (ons_code)
WHERE c.election_id = $election AND c.party_code = $party
  AND CASE WHEN $gain THEN c.net_change > 0 ELSE c.net_change < 0 END
  AND ($region IS NULL OR $region IN (a.region, a.nation)) AND ($council_type IS NULL OR a.type = $council_type)
ORDER BY CASE WHEN $gain THEN -c.net_change ELSE c.net_change END, a.name
LIMIT $limit;

-- name: local_total
-- A party's seats won (every party's, most first, when none is named), summed over the councils that voted (in
-- the region or of the type asked, if one is). A party named that won nothing still gets its row.
WITH voted AS (
    SELECT s.* FROM seats_won s JOIN authorities a USING (ons_code)
    WHERE s.election_id = $election AND ($region IS NULL OR $region IN (a.region, a.nation)) AND ($council_type IS NULL OR a.type = $council_type))
SELECT p.name AS party, s.party_code, sum(s.seats) AS seats_won, count(*) FILTER (WHERE s.seats > 0) AS councils_with_seats,
       (SELECT count(DISTINCT ons_code) FROM voted) AS councils, (SELECT sum(seats) FROM voted) AS seats_contested,
       string_agg(DISTINCT s.source_file, ', ') AS source_file
FROM voted s JOIN parties p ON p.code = s.party_code
WHERE $party IS NULL OR s.party_code = $party
GROUP BY p.name, s.party_code
HAVING $party IS NOT NULL OR sum(s.seats) > 0
ORDER BY seats_won DESC, p.name;

-- name: local_net_change
SELECT p.name AS party, c.party_code, sum(c.net_change) AS net_change, sum(c.seats_held) AS seats_held, count(*) AS councils,
       string_agg(DISTINCT c.source_file, ', ') AS source_file
FROM council_composition c JOIN parties p ON p.code = c.party_code JOIN authorities a USING (ons_code)
WHERE c.election_id = $election AND c.party_code = $party AND c.net_change IS NOT NULL
  AND ($region IS NULL OR $region IN (a.region, a.nation)) AND ($council_type IS NULL OR a.type = $council_type)
GROUP BY p.name, c.party_code;

-- name: national_seats
SELECT p.name AS party, n.party_code, n.seats, n.votes,
       (SELECT sum(seats) FROM national_results WHERE election_id = $election) AS total_seats, n.source_file
FROM national_results n JOIN parties p ON p.code = n.party_code
WHERE n.election_id = $election AND n.party_code = $party;

-- name: regional_seats
-- A party's seats and votes in one region or nation of the UK, counted over its constituencies.
SELECT p.name AS party, p.code AS party_code, count(*) FILTER (WHERE r.party_code = $party) AS seats,
       count(*) AS total_seats, (SELECT sum(v.votes) FROM constituency_votes v JOIN constituencies c USING (ons_code)
                                 WHERE v.election_id = $election AND v.party_code = $party AND ($region IS NULL OR $region IN (c.region, c.country))) AS votes,
       min(r.source_file) AS source_file
FROM constituency_results r JOIN constituencies c USING (ons_code) JOIN parties p ON p.code = $party
WHERE r.election_id = $election AND ($region IS NULL OR $region IN (c.region, c.country))
GROUP BY p.name, p.code;

-- name: constituency
SELECT r.name AS constituency, r.winner, p.name AS party, r.party_code, r.majority, r.electorate, r.valid_votes,
       r.invalid_votes, round(100 * r.turnout, 1) AS turnout_percent, r.result, r.winner_gender,
       strftime(r.declared_at, '%-I:%M') || lower(strftime(r.declared_at, '%p')) || strftime(r.declared_at, ' on %-d %B')
           AS declared, r.source_file
FROM constituency_results r JOIN parties p ON p.code = r.party_code
WHERE r.election_id = $election AND r.ons_code = $constituency;

-- name: constituency_votes
SELECT p.name AS party, v.party_code, v.votes, round(100.0 * v.votes / r.valid_votes, 1) AS vote_share_percent,
       r.valid_votes, v.source_file
FROM constituency_votes v JOIN parties p ON p.code = v.party_code
JOIN constituency_results r USING (election_id, ons_code)
WHERE v.election_id = $election AND v.ons_code = $constituency AND ($party IS NULL OR v.party_code = $party)
ORDER BY v.votes DESC;

-- name: council_votes
SELECT p.name AS party, c.party_code, sum(c.votes) AS votes,
       round(100.0 * sum(c.votes) / (SELECT sum(votes) FROM candidacies
                                     WHERE election_id = $election AND ons_code = $council), 1) AS vote_share_percent,
       count(*) AS candidates, string_agg(DISTINCT c.source_file, ', ') AS source_file
FROM candidacies c JOIN parties p ON p.code = c.party_code
WHERE c.election_id = $election AND c.ons_code = $council AND ($party IS NULL OR c.party_code = $party)
GROUP BY p.name, c.party_code
HAVING sum(c.votes) IS NOT NULL
ORDER BY votes DESC;

-- name: councils_controlled
SELECT a.name AS council, k.ons_code, coalesce(p.name, 'No overall control') AS control, k.control AS control_code, k.total_seats,
       k.label_control IS DISTINCT FROM k.control AS relabelled, k.source_file
FROM council_control k JOIN authorities a USING (ons_code) LEFT JOIN parties p ON p.code = k.control
WHERE k.election_id = $election AND k.control = $control AND ($region IS NULL OR $region IN (a.region, a.nation))
  AND ($council_type IS NULL OR a.type = $council_type)
ORDER BY a.name;

-- name: held_ranking
SELECT a.name AS council, c.ons_code, c.seats_held, k.total_seats, c.source_file
FROM council_composition c JOIN authorities a USING (ons_code) JOIN council_control k USING (election_id, ons_code)
WHERE c.election_id = $election AND c.party_code = $party AND c.seats_held > 0
  AND ($region IS NULL OR $region IN (a.region, a.nation)) AND ($council_type IS NULL OR a.type = $council_type)
ORDER BY c.seats_held DESC, a.name
LIMIT $limit;

-- name: majority_ranking
SELECT r.name AS constituency, r.ons_code, r.winner, p.name AS party, r.party_code, r.majority, r.source_file
FROM constituency_results r JOIN parties p ON p.code = r.party_code JOIN constituencies c USING (ons_code)
WHERE r.election_id = $election AND ($party IS NULL OR r.party_code = $party) AND ($region IS NULL OR $region IN (c.region, c.country))
ORDER BY CASE WHEN $smallest THEN r.majority ELSE -r.majority END, r.name
LIMIT $limit;

-- name: turnout_ranking
SELECT r.name AS constituency, r.ons_code, r.winner, p.name AS party, r.party_code,
       round(100 * r.turnout, 1) AS turnout_percent, r.valid_votes, r.electorate, r.source_file
FROM constituency_results r JOIN parties p ON p.code = r.party_code JOIN constituencies c USING (ons_code)
WHERE r.election_id = $election AND r.turnout IS NOT NULL AND ($party IS NULL OR r.party_code = $party)
  AND ($region IS NULL OR $region IN (c.region, c.country))
ORDER BY CASE WHEN $smallest THEN r.turnout ELSE -r.turnout END, r.name
LIMIT $limit;

-- name: seats_changed
-- Seats won by another party than at the general election before. A seat fought on the same boundaries keeps
-- its code, so the two results are joined on it; a redrawn seat (a new code: all but a few in 2024) has no
-- earlier result of its own, and the Commons Library's label ("Lab gain from Con") says whom it was taken
-- from, against its notional result on the new boundaries (`notional`). $party gained them ($gain) or lost
-- them, from or to $other when one is named.
WITH changed AS (
    SELECT r.ons_code, r.name, b.party_code AS before_code, r.party_code AS after_code, r.winner, r.source_file,
           false AS notional
    FROM constituency_results r
    JOIN constituency_results b ON b.ons_code = r.ons_code AND b.election_id = $previous
    WHERE r.election_id = $election AND r.party_code <> b.party_code
    UNION ALL
    SELECT r.ons_code, r.name, coalesce(a.code, 'OTH'), r.party_code, r.winner, r.source_file, true
    FROM constituency_results r
    LEFT JOIN party_aliases a ON a.alias = norm_name(regexp_extract(r.result, ' gain from (.+)$', 1))
    WHERE r.election_id = $election AND r.result LIKE '% gain from %'
      AND NOT EXISTS (SELECT 1 FROM constituency_results b WHERE b.ons_code = r.ons_code AND b.election_id = $previous)
)
SELECT s.name AS constituency, s.ons_code, pb.name AS party_before, s.before_code, pa.name AS party_after,
       s.after_code, s.winner, s.notional, s.source_file
FROM changed s
JOIN parties pa ON pa.code = s.after_code JOIN parties pb ON pb.code = s.before_code
JOIN constituencies c ON c.ons_code = s.ons_code
WHERE ($region IS NULL OR $region IN (c.region, c.country))
  AND ($party IS NULL OR CASE WHEN $gain THEN s.after_code = $party ELSE s.before_code = $party END)
  AND ($other IS NULL OR CASE WHEN $gain THEN s.before_code = $other ELSE s.after_code = $other END)
ORDER BY s.name;

-- name: candidate_ranking
SELECT v.candidate, p.name AS party, v.party_code, v.constituency_name AS constituency, v.ons_code, v.votes,
       round(100 * v.share, 1) AS vote_share_percent, v.source_file
FROM constituency_candidacies v JOIN parties p ON p.code = v.party_code JOIN constituencies c USING (ons_code)
WHERE v.election_id = $election AND v.votes IS NOT NULL AND ($party IS NULL OR v.party_code = $party) AND ($region IS NULL OR $region IN (c.region, c.country))
ORDER BY CASE WHEN $smallest THEN v.votes ELSE -v.votes END, v.candidate
LIMIT $limit;

-- name: control_changes_by_party
-- How many councils each party (or no party) came to control at an election, each council against its own
-- previous election (as in control_changes).
WITH changed AS (
    SELECT now.*, a.name AS council FROM control_compared now JOIN authorities a ON a.ons_code = now.ons_code
    WHERE now.election_id = $election AND now.before_date IS NOT NULL AND now.control IS DISTINCT FROM now.before_control
      AND ($region IS NULL OR $region IN (a.region, a.nation)) AND ($council_type IS NULL OR a.type = $council_type)
),
days AS (
    SELECT string_agg(strftime(d, '%-d %B %Y'), ' or ' ORDER BY d) AS before_days, count(*) AS before_count
    FROM (SELECT DISTINCT before_date AS d FROM changed)
)
SELECT coalesce(pa.name, 'No overall control') AS party, s.control AS party_code, count(*) AS councils,
       string_agg(s.council, ', ' ORDER BY s.council) AS named,
       coalesce(list(s.council ORDER BY s.council) FILTER (WHERE s.relabelled), []) AS relabelled_named,
       min(days.before_days) AS before_days, min(days.before_count) AS before_count,
       string_agg(DISTINCT s.source_file, ', ' ORDER BY s.source_file) AS source_file
FROM changed s CROSS JOIN days
LEFT JOIN parties pa ON pa.code = s.control
GROUP BY 1, 2
ORDER BY councils DESC, party;

-- name: mps_by_gender
SELECT CASE r.winner_gender WHEN 'F' THEN 'women' ELSE 'men' END AS gender, count(*) AS mps,
       (SELECT count(*) FROM constituency_results o JOIN constituencies c USING (ons_code)
        WHERE o.election_id = $election AND ($party IS NULL OR o.party_code = $party) AND ($region IS NULL OR $region IN (c.region, c.country))) AS seats,
       min(r.source_file) AS source_file
FROM constituency_results r JOIN constituencies c USING (ons_code)
WHERE r.election_id = $election AND r.winner_gender IS NOT NULL AND ($party IS NULL OR r.party_code = $party)
  AND ($region IS NULL OR $region IN (c.region, c.country))
GROUP BY 1
ORDER BY 1 DESC;

-- name: winners_among
SELECT r.name AS constituency, r.ons_code, r.winner, p.name AS party, r.party_code, r.majority, r.source_file
FROM constituency_results r JOIN parties p ON p.code = r.party_code
WHERE r.election_id = $election AND list_contains($places, r.ons_code) AND ($party IS NULL OR r.party_code = $party)
ORDER BY r.name;

-- name: control_among
SELECT a.name AS council, k.ons_code, coalesce(p.name, 'No overall control') AS control, k.control AS control_code, k.total_seats,
       k.label_control IS DISTINCT FROM k.control AS relabelled, k.source_file
FROM council_control k JOIN authorities a USING (ons_code) LEFT JOIN parties p ON p.code = k.control
WHERE k.election_id = $election AND list_contains($places, k.ons_code)
  AND ($party IS NULL OR k.control = $party)
ORDER BY a.name;

-- name: constituency_placed
-- The candidate at one place in a constituency's order of votes ($position; 0: the last).
SELECT * FROM (
    SELECT c.candidate, p.name AS party, c.party_code, c.votes, round(100 * c.share, 1) AS vote_share_percent,
           c.position, count(*) OVER () AS candidates, c.source_file
    FROM constituency_candidacies c JOIN parties p ON p.code = c.party_code
    WHERE c.election_id = $election AND c.ons_code = $constituency)
WHERE position = CASE WHEN $position = 0 THEN candidates ELSE $position END;

-- name: runner_up
-- The second-placed candidate where the candidates are known, else the party second on votes (the votes
-- of "others" together are no one candidate's).
WITH second AS (
    SELECT party_code, votes, candidate, 0 AS preference FROM constituency_candidacies
    WHERE election_id = $election AND ons_code = $constituency AND position = 2
    UNION ALL
    SELECT party_code, votes, NULL, 1 FROM (
        SELECT party_code, votes, row_number() OVER (ORDER BY votes DESC) AS place FROM constituency_votes
        WHERE election_id = $election AND ons_code = $constituency AND party_code <> 'OTH')
    WHERE place = 2
    ORDER BY preference
    LIMIT 1)
SELECT r.name AS constituency, r.winner, pw.name AS party, r.party_code, s.candidate AS runner_up,
       ps.name AS runner_up_party, s.party_code AS runner_up_party_code, s.votes AS runner_up_votes, r.majority,
       round(100.0 * r.majority / r.valid_votes, 1) AS margin_points, r.valid_votes, r.source_file
FROM constituency_results r
JOIN parties pw ON pw.code = r.party_code
LEFT JOIN second s ON true
LEFT JOIN parties ps ON ps.code = s.party_code
WHERE r.election_id = $election AND r.ons_code = $constituency;

-- Whether a council's results hold any seats won, or any vote counts, for an election: without them an
-- empty answer is no data, not a party that stood nowhere.
-- name: seats_recorded
SELECT count(*) AS recorded FROM seats_won WHERE election_id = $election AND ons_code = $council;

-- name: votes_recorded
SELECT count(*) AS recorded FROM candidacies
WHERE election_id = $election AND ons_code = $council AND votes IS NOT NULL;

-- name: ward_candidates
-- Every candidate in a ward (by the names the files print for it), most votes first. A voter has as many votes as the ward has seats up, so a
-- share is of all the votes cast for candidates in the ward.
SELECT c.candidate, p.name AS party, c.party_code, c.votes, c.elected,
       round(100.0 * c.votes / sum(c.votes) OVER (), 1) AS vote_share_percent,
       count(*) FILTER (WHERE c.elected) OVER () AS seats, c.ward_name AS ward, a.name AS council, c.source_file
FROM candidacies c JOIN parties p ON p.code = c.party_code JOIN authorities a USING (ons_code)
WHERE c.election_id = $election AND c.ons_code = $council AND list_contains($ward_names, c.ward_name)
ORDER BY c.votes DESC NULLS LAST, c.candidate;

-- name: council_wards
-- Each ward of a council at a local election, by the name the file prints: the councillors it elected, most
-- votes first, and (with $party) how many of them were the party's; with $party, only the wards it won seats in.
SELECT c.ward_name AS ward, string_agg(c.candidate || ' (' || p.name || ')', '; ' ORDER BY c.votes DESC NULLS LAST,
         c.candidate) FILTER (WHERE c.elected) AS winners,
       count(*) FILTER (WHERE c.elected) AS seats, count(*) FILTER (WHERE c.elected AND c.party_code = $party)
         AS party_seats, a.name AS council, min(c.source_file) AS source_file
FROM candidacies c JOIN parties p ON p.code = c.party_code JOIN authorities a USING (ons_code)
WHERE c.election_id = $election AND c.ons_code = $council
GROUP BY c.ward_name, a.name
HAVING count(*) FILTER (WHERE c.elected) > 0 AND ($party IS NULL OR party_seats > 0)
ORDER BY c.ward_name;

-- name: ward_change
-- The parties that won a ward's seats at each local election the results hold for it, by the names the files
-- print for the ward (where boundaries were redrawn, a name kept may not be the same ground).
SELECT year(e.date) AS year, e.date AS day, string_agg(DISTINCT p.name, ' and ' ORDER BY p.name) AS winners,
       list(DISTINCT c.party_code ORDER BY c.party_code) AS codes, count(*) AS seats, min(c.source_file) AS source_file
FROM candidacies c JOIN elections e ON e.id = c.election_id JOIN parties p ON p.code = c.party_code
WHERE c.ons_code = $council AND list_contains($ward_names, c.ward_name) AND c.elected
GROUP BY e.date
ORDER BY e.date;

-- name: ward_turnout
SELECT w.ward_name AS ward, a.name AS council, w.electorate, w.turnout AS turnout_percent, w.total_votes,
       w.seats_up, w.source_file
FROM ward_results w JOIN authorities a USING (ons_code)
WHERE w.election_id = $election AND w.ons_code = $council AND list_contains($ward_names, w.ward_name);

-- name: ward_turnout_ranking
SELECT w.ward_name AS ward, a.name AS council, w.ons_code, w.turnout AS turnout_percent, w.electorate, w.source_file
FROM ward_results w JOIN authorities a USING (ons_code)
WHERE w.election_id = $election AND w.turnout IS NOT NULL AND ($council IS NULL OR w.ons_code = $council)
  AND ($region IS NULL OR $region IN (a.region, a.nation)) AND ($council_type IS NULL OR a.type = $council_type)
ORDER BY CASE WHEN $smallest THEN w.turnout ELSE -w.turnout END, a.name, w.ward_name
LIMIT $limit;

-- name: council_turnout
-- Councils' turnout at a local election from their wards' rows: ballots (each contested ward's turnout times
-- its electorate) over those wards' electorate. One council ($council), or the councils in scope, ranked.
SELECT a.name AS council, w.ons_code, count(*) AS wards, sum(w.electorate) AS electorate,
       round(sum(w.turnout * w.electorate) / sum(w.electorate), 1) AS turnout_percent, min(w.source_file) AS source_file
FROM ward_results w JOIN authorities a USING (ons_code)
WHERE w.election_id = $election AND w.turnout IS NOT NULL AND w.electorate > 0
  AND ($council IS NULL OR w.ons_code = $council) AND ($region IS NULL OR $region IN (a.region, a.nation)) AND ($council_type IS NULL OR a.type = $council_type)
GROUP BY a.name, w.ons_code
ORDER BY CASE WHEN $smallest THEN turnout_percent ELSE -turnout_percent END, a.name
LIMIT $limit;

-- name: ward_turnout_held
-- Whether the results hold a ward's turnout for that election, and the years they hold ward turnout for.
SELECT count(*) FILTER (WHERE w.election_id = $election AND w.ons_code = $council) AS recorded,
       string_agg(DISTINCT CAST(year(e.date) AS TEXT), ' and ' ORDER BY CAST(year(e.date) AS TEXT)) AS years
FROM ward_results w JOIN elections e ON e.id = w.election_id;

-- name: council_yearly
-- Open Council Data's yearly count of a council's seats (not tied to an election: by-elections and defections
-- are in it), for a council no results file gives an ONS code for; its latest count when no year is asked.
SELECT y.year, p.name AS party, y.party_code, y.seats_held, y.total_seats, y.control,
       coalesce(pc.name, 'No overall control') AS controlled_by, y.source_file
FROM council_composition_by_year y JOIN parties p ON p.code = y.party_code LEFT JOIN parties pc ON pc.code = y.control
WHERE y.year = coalesce($year, (SELECT max(year) FROM council_composition_by_year WHERE authority_name = $authority))
  AND y.authority_name = $authority AND y.seats_held > 0
ORDER BY y.seats_held DESC, p.name;

-- name: councillors
-- Who sat on a council in the year asked by Open Council Data's roster (the latest roster of the council when no
-- year is asked), or for one ward of it (by the ward name's key): each councillor once (a name the file lists twice
-- in one ward is one person), with their party's count, the most numerous party first. A council is its ONS code,
-- or its name where no file gives the roster's council a code.
WITH council AS (
    SELECT * FROM councillors
    WHERE ons_code = $council OR ons_code IS NULL AND norm_name(authority_name) = norm_name($authority)),
roster AS (
    SELECT * FROM council
    WHERE year = coalesce($year, (SELECT max(year) FROM council)) AND ($ward IS NULL OR norm_name(ward_name) = $ward)),
sitting AS (
    SELECT year, ward_name, councillor, party_code, min(source_file) AS source_file
    FROM roster WHERE councillor IS NOT NULL GROUP BY year, ward_name, councillor, party_code)
SELECT s.year, s.ward_name AS ward, s.councillor, p.name AS party, s.party_code,
       count(*) OVER (PARTITION BY s.party_code) AS party_councillors, count(*) OVER () AS councillors,
       (SELECT count(*) FROM roster WHERE councillor IS NULL) AS vacant, s.source_file
FROM sitting s JOIN parties p ON p.code = s.party_code
ORDER BY party_councillors DESC, p.name, s.ward_name, s.councillor;

-- name: councillors_held
-- Whether Open Council Data's rosters hold the council at all, for which years, and how many seats the roster of
-- the year asked (else the latest) lists, and in the ward asked.
WITH council AS (
    SELECT * FROM councillors
    WHERE ons_code = $council OR ons_code IS NULL AND norm_name(authority_name) = norm_name($authority))
SELECT count(*) > 0 AS recorded, list(DISTINCT year ORDER BY year) AS years,
       coalesce($year, max(year)) AS year, count(*) FILTER (WHERE year = coalesce($year, (SELECT max(year) FROM council)))
         AS in_year,
       count(*) FILTER (WHERE year = coalesce($year, (SELECT max(year) FROM council)) AND norm_name(ward_name) = $ward)
         AS in_ward
FROM council;

-- name: candidate_general
-- A candidate by name (as the files print it): where they stood, for whom, their votes, share and place in the
-- order, and who was elected there.
WITH stood AS (
    SELECT * FROM constituency_candidacies
    WHERE election_id = $election AND list_contains($names, candidate) AND ($place IS NULL OR ons_code = $place)),
there AS (
    SELECT o.ons_code, count(*) AS candidates,
           list(o.candidate || ' (' || op.name || ')') FILTER (WHERE o.elected) AS winners
    FROM constituency_candidacies o JOIN parties op ON op.code = o.party_code
    WHERE o.election_id = $election AND o.ons_code IN (SELECT ons_code FROM stood)
    GROUP BY o.ons_code)
SELECT c.candidate, p.name AS party, c.party_code, c.constituency_name AS area, c.ons_code, c.votes,
       round(100 * c.share, 1) AS vote_share_percent, c.position, c.elected, t.candidates, t.winners, c.source_file
FROM stood c JOIN parties p ON p.code = c.party_code JOIN there t USING (ons_code)
ORDER BY c.votes DESC NULLS LAST;

-- name: candidate_local
-- The same in a local election: the ward they stood in, their share of the votes cast there, their place.
SELECT * FROM (
    SELECT c.candidate, p.name AS party, c.party_code, c.ward_name || ' ward, ' || a.name AS area, c.ons_code,
           c.votes, round(100.0 * c.votes / sum(c.votes) OVER ward, 1) AS vote_share_percent,
           rank() OVER (PARTITION BY c.ons_code, c.ward_name ORDER BY c.votes DESC NULLS LAST) AS position,
           c.elected, count(*) OVER ward AS candidates,
           list(c.candidate || ' (' || p.name || ')') FILTER (WHERE c.elected) OVER ward AS winners, c.source_file
    FROM candidacies c JOIN parties p ON p.code = c.party_code JOIN authorities a USING (ons_code)
    WHERE c.election_id = $election AND (c.ons_code, c.ward_name) IN (
        SELECT ons_code, ward_name FROM candidacies
        WHERE election_id = $election AND list_contains($names, candidate) AND ($place IS NULL OR ons_code = $place))
    WINDOW ward AS (PARTITION BY c.ons_code, c.ward_name))
WHERE list_contains($names, candidate)
ORDER BY votes DESC NULLS LAST;

-- name: national_councillors
-- Councillors in Great Britain by party in $year (the latest year counted when none is asked). The count
-- names four parties: the SNP and Plaid Cymru are one figure (NAT), and every other party is among others (OTH).
SELECT n.year, p.name AS party, n.party_code, n.councillors, n.total,
       round(100.0 * n.councillors / n.total, 1) AS share_percent, n.dataset, n.source_file
FROM national_councillors n JOIN parties p ON p.code = n.party_code
WHERE n.year = coalesce($year, (SELECT max(year) FROM national_councillors))
  AND ($party IS NULL OR n.party_code = CASE WHEN $party IN ('SNP', 'PC') THEN 'NAT'
                                             WHEN $party IN ('CON', 'LAB', 'LD', 'NAT', 'OTH') THEN $party
                                             ELSE 'OTH' END)
ORDER BY n.councillors DESC, p.name;

-- name: national_councillor_years
SELECT min(year) AS first_year, max(year) AS last_year, count(DISTINCT year) > 0 AS recorded,
       list(DISTINCT year ORDER BY year) AS years,
       (SELECT list(y ORDER BY y) FROM range(min(year), max(year) + 1) t(y)
        WHERE y NOT IN (SELECT year FROM national_councillors)) AS missing
FROM national_councillors;

-- name: councillors_lead
-- The latest year $party had more councillors in Great Britain than $other (the SNP and Plaid Cymru as one).
SELECT p.year, p.councillors AS party_councillors, o.councillors AS other_councillors, p.source_file,
       (SELECT max(year) FROM national_councillors) AS last_year,
       (SELECT min(year) FROM national_councillors) AS first_year
FROM national_councillors p
JOIN national_councillors o
  ON o.year = p.year AND o.party_code = CASE WHEN $other IN ('SNP', 'PC') THEN 'NAT' ELSE $other END
WHERE p.party_code = CASE WHEN $party IN ('SNP', 'PC') THEN 'NAT' ELSE $party END
  AND p.councillors > o.councillors
ORDER BY p.year DESC
LIMIT 1;

-- name: definition
-- What the codes or columns a question names mean, as the results' publishers define them (a code of two or
-- more letters matched as a word: "UAT"; a column by any part of its name: "vote effective").
SELECT d.term, d.sheet, d.meaning, d.code, d.option, d.source_file,
       d.code IS NOT NULL AND regexp_matches($text, '(?i)\b' || d.code || '\b') AS by_code
FROM definitions d
WHERE (length(d.code) > 1 AND regexp_matches($text, '(?i)\b' || d.code || '\b'))
   OR EXISTS (SELECT 1 FROM unnest(string_split(lower(d.term), ', ')) t(part)
              WHERE regexp_matches(lower($text), '\b' || part || '\b'))
ORDER BY by_code DESC, d.term, d.code;

-- name: council_by_elections
-- A council's by-elections (the year asked, else every one the results hold): each ward's winner, votes,
-- majority over the runner-up and turnout.
WITH fought AS (
    SELECT c.election_id, b.date, c.ward_name, c.candidate, c.party_code, c.votes, c.elected, c.source_file,
           row_number() OVER (PARTITION BY c.election_id, c.ward_name ORDER BY c.votes DESC NULLS LAST) AS place
    FROM candidacies c JOIN by_elections b ON b.id = c.election_id
    WHERE c.ons_code = $council AND ($year IS NULL OR year(b.date) = $year)
)
SELECT strftime(w.date, '%-d %B %Y') AS day, year(w.date) AS year, w.ward_name AS ward, w.candidate AS winner,
       p.name AS party, w.party_code, w.votes, w.votes - r.votes AS majority, round(t.turnout, 1) AS turnout,
       w.source_file
FROM fought w
JOIN parties p ON p.code = w.party_code
LEFT JOIN fought r ON r.election_id = w.election_id AND r.ward_name = w.ward_name AND r.place = 2
LEFT JOIN ward_results t ON t.election_id = w.election_id AND t.ons_code = $council AND t.ward_name = w.ward_name
WHERE w.elected
ORDER BY w.date, w.ward_name;

-- name: by_elections_held
SELECT count(*) > 0 AS recorded, list(DISTINCT year(b.date) ORDER BY year(b.date)) AS years
FROM by_elections b WHERE EXISTS (SELECT 1 FROM candidacies c WHERE c.election_id = b.id AND c.ons_code = $council);

-- name: constituency_by_elections
-- A constituency's by-elections (the year asked, else every one the results hold).
SELECT strftime(b.date, '%-d %B %Y') AS day, year(b.date) AS year, r.name AS constituency, r.winner, p.name AS party,
       r.party_code, r.majority, round(100 * r.turnout, 1) AS turnout_percent, r.electorate, r.valid_votes,
       r.source_file
FROM constituency_results r JOIN by_elections b ON b.id = r.election_id JOIN parties p ON p.code = r.party_code
WHERE r.ons_code = $constituency AND ($year IS NULL OR year(b.date) = $year)
ORDER BY b.date;

-- name: constituency_by_elections_held
SELECT count(*) > 0 AS recorded, list(DISTINCT year(b.date) ORDER BY year(b.date)) AS years
FROM by_elections b JOIN constituency_results r ON r.election_id = b.id WHERE r.ons_code = $constituency;

-- name: national_vote_share
-- A party's share of the valid votes at a general election, across the UK or in a region or nation ($region).
SELECT p.name AS party, p.code AS party_code, sum(v.votes) AS votes,
       (SELECT sum(r.valid_votes) FROM constituency_results r JOIN constituencies c USING (ons_code)
        WHERE r.election_id = $election AND ($region IS NULL OR $region IN (c.region, c.country))) AS valid_votes,
       round(100.0 * sum(v.votes) / (SELECT sum(r.valid_votes) FROM constituency_results r
                                     JOIN constituencies c USING (ons_code)
                                     WHERE r.election_id = $election
                                       AND ($region IS NULL OR $region IN (c.region, c.country))), 1)
           AS vote_share_percent,
       min(v.source_file) AS source_file
FROM constituency_votes v JOIN constituencies c USING (ons_code) JOIN parties p ON p.code = v.party_code
WHERE v.election_id = $election AND v.party_code = $party AND ($region IS NULL OR $region IN (c.region, c.country))
GROUP BY p.name, p.code
HAVING sum(v.votes) > 0;

-- name: party_seats
-- The constituencies a party won at a general election ($region: in one region or nation).
SELECT r.name AS constituency, r.ons_code, r.winner, r.majority, p.name AS party, r.party_code, r.source_file
FROM constituency_results r JOIN constituencies c USING (ons_code) JOIN parties p ON p.code = r.party_code
WHERE r.election_id = $election AND r.party_code = $party AND ($region IS NULL OR $region IN (c.region, c.country))
ORDER BY r.name;

-- name: councillors_peak
-- The year $party (every party together when none is named) had the most councillors in Great Britain, or the
-- fewest ($smallest), in the Commons Library's yearly count.
SELECT n.year, n.councillors, n.total, (SELECT min(year) FROM national_councillors) AS first_year,
       (SELECT max(year) FROM national_councillors) AS last_year, n.source_file
FROM (SELECT year, sum(councillors) FILTER (WHERE $party IS NULL OR party_code = CASE WHEN $party IN ('SNP', 'PC')
                                            THEN 'NAT' ELSE $party END) AS councillors,
             max(total) AS total, min(source_file) AS source_file
      FROM national_councillors GROUP BY year) n
WHERE n.councillors > 0
ORDER BY CASE WHEN $smallest THEN n.councillors ELSE -n.councillors END, n.year DESC
LIMIT 1;

-- What the web page offers a new reader to ask: the largest council of the latest local elections, the closest
-- seat of the latest general election and the latest change of control (bot/examples.py).
-- name: example_council
SELECT a.name AS council, e.date
FROM council_control k JOIN authorities a USING (ons_code) JOIN elections e ON e.id = k.election_id
WHERE e.kind = 'local' AND k.total_seats IS NOT NULL AND a.name NOT IN (SELECT name FROM constituencies)
ORDER BY e.date DESC, k.total_seats DESC, a.name
LIMIT 1;

-- name: example_constituency
SELECT c.name AS constituency, e.date
FROM constituency_results c JOIN elections e ON e.id = c.election_id
WHERE e.kind = 'general' AND c.majority IS NOT NULL
  AND (SELECT count(*) FROM constituency_results o WHERE o.name = c.name AND o.election_id = c.election_id) = 1
ORDER BY e.date DESC, c.majority, c.name
LIMIT 1;

-- name: example_control_change
SELECT a.name AS council, p.name AS party, e.date
FROM control_compared k JOIN authorities a USING (ons_code) JOIN elections e ON e.id = k.election_id
JOIN parties p ON p.code = k.control
WHERE k.control <> 'NOC' AND k.before_control IS NOT NULL AND k.before_control <> k.control
ORDER BY e.date DESC, a.name
LIMIT 3;

-- name: general_by_party
-- Every party's seats, votes and share of the valid votes at a general election, across the UK or in a region or
-- nation ($region), counted over the constituencies: by seats, or by votes when votes or shares are asked.
WITH fought AS (
    SELECT r.* FROM constituency_results r JOIN constituencies c USING (ons_code)
    WHERE r.election_id = $election AND ($region IS NULL OR $region IN (c.region, c.country))),
won AS (SELECT party_code, count(*) AS seats FROM fought GROUP BY party_code),
votes AS (
    SELECT v.party_code, sum(v.votes) AS votes, min(v.source_file) AS source_file
    FROM constituency_votes v WHERE v.election_id = $election AND v.ons_code IN (SELECT ons_code FROM fought)
    GROUP BY v.party_code)
-- A seat whose winner's votes the file counts under another label (the Speaker's, as Others) still counts.
SELECT p.name AS party, p.code AS party_code, coalesce(w.seats, 0) AS seats, v.votes,
       round(100.0 * v.votes / (SELECT sum(valid_votes) FROM fought), 1) AS vote_share_percent,
       (SELECT count(*) FROM fought) AS total_seats,
       coalesce(v.source_file, (SELECT min(source_file) FROM fought)) AS source_file
FROM (SELECT party_code FROM won UNION SELECT party_code FROM votes) k JOIN parties p ON p.code = k.party_code
LEFT JOIN won w USING (party_code) LEFT JOIN votes v USING (party_code)
WHERE v.votes > 0 OR w.seats > 0
ORDER BY CASE WHEN $measure IN ('votes', 'vote_share') THEN 0 ELSE coalesce(w.seats, 0) END DESC,
         v.votes DESC NULLS LAST, p.name;

