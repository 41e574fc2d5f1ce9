-- hustings store: one DuckDB file holds coverage (articles, passages) and, later, results.
-- Created by corpus.store.Store on a writable open; every statement is idempotent.

-- ---------------------------------------------------------------- coverage

-- One row per article. `content_hash` covers text and metadata, so an unchanged article is skipped
-- on re-ingest and a changed one has its passages replaced.
CREATE TABLE IF NOT EXISTS articles (
    id            TEXT PRIMARY KEY,   -- manifest id, else the file stem (see corpus.ingest for clashes)
    title         TEXT NOT NULL,
    published     DATE,               -- NULL when the source gives no date
    source        TEXT,
    url           TEXT,
    path          TEXT,               -- absolute path it was read from (":line" for jsonl records)
    meta          JSON,               -- any other manifest / front-matter fields, as strings
    text          TEXT NOT NULL,      -- the text passages point into
    content_hash  TEXT NOT NULL,
    ingested_at   TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE SEQUENCE IF NOT EXISTS passage_keys START 1;

-- Sentence-aware spans of an article: articles.text[start_char:end_char] = passages.text.
-- `key` is the integer the FAISS and BM25 indexes know a passage by; it is never reused.
CREATE TABLE IF NOT EXISTS passages (
    key           BIGINT PRIMARY KEY DEFAULT nextval('passage_keys'),
    id            TEXT NOT NULL UNIQUE,   -- "<article_id>#<ordinal>", the public passage id
    article_id    TEXT NOT NULL,
    ordinal       INTEGER NOT NULL,
    start_char    INTEGER NOT NULL,
    end_char      INTEGER NOT NULL,
    text          TEXT NOT NULL,
    text_hash     TEXT NOT NULL           -- lets a changed article reuse embeddings of unchanged passages
);

-- The one index generation that matches the passages above. Written in the same transaction as the
-- passages, after the generation's files are complete, so a crash leaves a consistent pair.
CREATE TABLE IF NOT EXISTS index_state (
    singleton     BOOLEAN PRIMARY KEY DEFAULT true CHECK (singleton),
    checksum      TEXT NOT NULL,          -- sha256 of model + every (passage key, text hash), in key order
    model         TEXT NOT NULL,
    dimension     INTEGER NOT NULL,
    passages      BIGINT NOT NULL,
    built_at      TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- ---------------------------------------------------------------- results
-- Official election results in one canonical shape, whatever file they came from. Written only by
-- corpus.results (one transaction per imported file, see corpus/results/FORMAT.md); the answering side
-- reads them on a read-only connection, so everything a question needs is materialised here.
--
-- Meanings, kept exact (say them in answers):
--   seats won   seats won in that election's contests: only the seats up that year (`seats_won`);
--   seats held  seats on the whole council after the election, its composition (`council_composition`);
--   net change  seats held after this election minus seats held after the previous one, as the source
--               computes it: boundary changes and defections are in it, so it is not "seats gained";
--   control     who has a majority after the election: a party code, or 'NOC' (no overall control).
--
-- Every fact row names the file it came from (`source_file`, a row of `sources`) and the dataset its
-- figure was compiled from (`dataset`). Councils are keyed by ONS code; a council that ONS re-coded
-- (Gateshead E08000020 -> E08000037) is stored under its newest code, see `authority_codes`.

-- The key of every alias table: lower case, accents stripped, '&' read as 'and', apostrophes dropped,
-- any other run of punctuation or space made one space. "St. Helens" = "St Helens"; "Sinn Féin" = "sinn fein".
-- corpus.results.normalise_name is the same function in Python.
CREATE OR REPLACE MACRO norm_name(s) AS
    trim(regexp_replace(regexp_replace(replace(lower(strip_accents(s)), '&', ' and '), '[''’`]', '', 'g'),
                        '[^a-z0-9]+', ' ', 'g'));

-- One row per imported results file. Re-importing a file of the same name replaces every row it wrote;
-- a file whose bytes were imported before (sha256) is not imported again.
CREATE TABLE IF NOT EXISTS sources (
    file          TEXT PRIMARY KEY,   -- file name, e.g. 'leap-2018-05-03.csv'; every fact's `source_file`
    path          TEXT NOT NULL,      -- where it was imported from
    format        TEXT NOT NULL,      -- importer, e.g. 'leap', 'canonical' (corpus.results.detect)
    dataset       TEXT NOT NULL,      -- publisher and dataset, e.g. 'House of Commons Library CBP-9545'
    licence       TEXT,               -- e.g. 'Open Parliament Licence v3.0'; NULL for canonical files
    rows          BIGINT NOT NULL,    -- fact rows written
    imported_at   TIMESTAMP NOT NULL DEFAULT current_timestamp
);
ALTER TABLE sources ADD COLUMN IF NOT EXISTS sha256 TEXT;  -- of the file's bytes; NULL in stores made before it
-- The dataset the file is (corpus/results/provenance.py): its format's, or its sidecar's. `dataset` above is
-- "publisher, title"; stores made before these columns have them NULL until the file is imported again.
ALTER TABLE sources ADD COLUMN IF NOT EXISTS title TEXT;
ALTER TABLE sources ADD COLUMN IF NOT EXISTS publisher TEXT;
ALTER TABLE sources ADD COLUMN IF NOT EXISTS url TEXT;
ALTER TABLE sources ADD COLUMN IF NOT EXISTS retrieved DATE;

-- 'local-2018-05-03', 'general-2019-12-12': kind and polling day.
CREATE TABLE IF NOT EXISTS elections (
    id            TEXT PRIMARY KEY,
    date          DATE NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('local', 'general')),
    name          TEXT NOT NULL       -- 'Local elections, 3 May 2018'
);

-- Every (code, name) pair a file printed for a council, as printed. The three tables after it are
-- rebuilt from it after every import.
CREATE TABLE IF NOT EXISTS authority_names (
    code          TEXT NOT NULL,      -- ONS code as printed
    name          TEXT NOT NULL,      -- 'Hull', 'Kingston upon Hull, City of', 'Kingston upon Hull'
    type          TEXT,               -- as the file gives it, in the words below; NULL when it does not
    region        TEXT,
    alias_only    BOOLEAN NOT NULL DEFAULT false,  -- given only as another spelling (canonical `name` lines)
    source_file   TEXT NOT NULL,
    PRIMARY KEY (code, name, source_file)
);

-- Every code seen -> the council's current code. Codes printed with the same name are one council
-- re-coded by ONS (the newest code wins; a unitary code beats a district or county one).
CREATE TABLE IF NOT EXISTS authority_codes (
    code          TEXT PRIMARY KEY,
    ons_code      TEXT NOT NULL
);

-- One row per council. `name` is the spelling most files use for it (ties: the longer); `type` is
-- London / Metropolitan / Unitary / District / County (from the file, else from the code's prefix).
CREATE TABLE IF NOT EXISTS authorities (
    ons_code      TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    type          TEXT,
    region        TEXT
);

-- The nation of the UK a council is in, from its ONS code's first letter (corpus/results/places.py fills it
-- the same way when it rebuilds the table; this fills it in a store made before the column).
ALTER TABLE authorities ADD COLUMN IF NOT EXISTS nation TEXT;
UPDATE authorities SET nation = CASE left(ons_code, 1) WHEN 'E' THEN 'England' WHEN 'W' THEN 'Wales'
    WHEN 'S' THEN 'Scotland' WHEN 'N' THEN 'Northern Ireland' END WHERE nation IS NULL;

-- norm_name(any spelling) -> council. An alias naming two councils is ambiguous: ask, don't guess.
CREATE TABLE IF NOT EXISTS authority_aliases (
    alias         TEXT NOT NULL,      -- norm_name('Kingston upon Hull, City of') etc.
    ons_code      TEXT NOT NULL,
    name          TEXT NOT NULL,      -- the spelling it came from
    source_file   TEXT NOT NULL
);

-- Constituencies work the same way: printed names -> constituencies + constituency_aliases.
CREATE TABLE IF NOT EXISTS constituency_names (
    code          TEXT NOT NULL,      -- ONS code (E14..., W07..., S14..., N06...)
    name          TEXT NOT NULL,
    region        TEXT,
    country       TEXT,
    type          TEXT,               -- Borough / County / Burgh
    alias_only    BOOLEAN NOT NULL DEFAULT false,
    source_file   TEXT NOT NULL,
    PRIMARY KEY (code, name, source_file)
);

CREATE TABLE IF NOT EXISTS constituencies (
    ons_code      TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    region        TEXT,
    country       TEXT,
    type          TEXT
);

CREATE TABLE IF NOT EXISTS constituency_aliases (
    alias         TEXT NOT NULL,
    ons_code      TEXT NOT NULL,
    name          TEXT NOT NULL,
    source_file   TEXT NOT NULL
);

-- Canonical parties, seeded from corpus/results/parties.csv; a party code a file uses that no alias
-- knows becomes a party of its own (origin = that file).
CREATE TABLE IF NOT EXISTS parties (
    code          TEXT PRIMARY KEY,   -- CON, LAB, LD, GRN, SNP, PC, REF, IND, ... 'OTH' = all others together
    name          TEXT NOT NULL,
    origin        TEXT NOT NULL       -- 'parties.csv' or the file that first used it
);

-- norm_name(any spelling) -> party: C, CON, Con, Conservative and Unionist, Tories -> CON.
CREATE TABLE IF NOT EXISTS party_aliases (
    alias         TEXT PRIMARY KEY,
    code          TEXT NOT NULL,
    name          TEXT NOT NULL,      -- the spelling it came from
    origin        TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS wards (
    ward_code     TEXT PRIMARY KEY,   -- ONS ward code (E05..., W05...; E58... for a county division)
    name          TEXT NOT NULL,
    ons_code      TEXT NOT NULL,      -- the council
    dataset       TEXT NOT NULL,
    source_file   TEXT NOT NULL
);

-- One row per ward contest with its electorate and turnout (the Commons Library's wards sheet).
CREATE TABLE IF NOT EXISTS ward_results (
    election_id   TEXT NOT NULL,
    ons_code      TEXT NOT NULL,      -- the council
    ward_code     TEXT,
    ward_name     TEXT NOT NULL,
    seats_up      INTEGER,            -- vacancies filled at this contest
    electorate    BIGINT,
    turnout       DOUBLE,             -- percent of the electorate, as the file gives it
    total_votes   BIGINT,             -- votes cast for all candidates (a voter has one per seat up)
    dataset       TEXT NOT NULL,
    source_file   TEXT NOT NULL
);

-- One row per candidate in a local election.
CREATE TABLE IF NOT EXISTS candidacies (
    election_id   TEXT NOT NULL,
    ons_code      TEXT NOT NULL,      -- the council
    ward_code     TEXT,
    ward_name     TEXT NOT NULL,
    candidate     TEXT NOT NULL,      -- as printed ("Rowland K." in the Commons Library file)
    party_code    TEXT NOT NULL,
    party_printed TEXT NOT NULL,      -- the party as the file printed it ('C', 'GREEN', ...)
    votes         BIGINT,             -- NULL when uncontested or not given
    elected       BOOLEAN NOT NULL,
    incumbent     BOOLEAN,            -- NULL when the file does not say
    dataset       TEXT NOT NULL,
    source_file   TEXT NOT NULL
);

-- Seats won per council and party in that election's contests (seats up that year only), counted from
-- a file's own candidacies or given directly by a canonical file. Parties that stood and won none: 0.
CREATE TABLE IF NOT EXISTS seats_won (
    election_id   TEXT NOT NULL,
    ons_code      TEXT NOT NULL,
    party_code    TEXT NOT NULL,
    seats         INTEGER NOT NULL,
    dataset       TEXT NOT NULL,
    source_file   TEXT NOT NULL,
    PRIMARY KEY (election_id, ons_code, party_code)
);

-- Council size and control after the election.
CREATE TABLE IF NOT EXISTS council_control (
    election_id     TEXT NOT NULL,
    ons_code        TEXT NOT NULL,
    control         TEXT,             -- party code or 'NOC'; NULL when the source gives none
    control_printed TEXT,             -- as printed: 'LAB', 'NOC', ...
    total_seats     INTEGER,          -- seats on the whole council, vacancies included
    vacant_seats    INTEGER,          -- vacant straight after the election, where the source says
    seats_up        TEXT,             -- the source's label for how much was elected: All / Half / Third
    dataset         TEXT NOT NULL,
    source_file     TEXT NOT NULL,
    PRIMARY KEY (election_id, ons_code)
);

-- What the file's control label says (party code or 'NOC'; NULL when it is neither). Where the file's own seat
-- counts give a party a majority that the label does not say, `control` goes by the seats and this keeps the
-- label (corpus/results/control.py). A store made before the column reads it from `control_printed`.
ALTER TABLE council_control ADD COLUMN IF NOT EXISTS label_control TEXT;
UPDATE council_control SET label_control = CASE WHEN norm_name(control_printed) IN ('noc', 'no overall control')
    THEN 'NOC' ELSE (SELECT code FROM party_aliases WHERE alias = norm_name(control_printed)) END
WHERE label_control IS NULL AND control_printed IS NOT NULL;

-- Each council's control after an election beside its control after its own previous election: councils vote on
-- cycles of their own (England's in 2018 and 2022, Scotland's and Wales's in 2017 and 2022), so each is compared
-- with its latest earlier row, not with one election for all. `relabelled`: a control label the source's own seat
-- counts contradict, on either side.
CREATE OR REPLACE VIEW control_compared AS
SELECT k.election_id, k.ons_code, k.control, k.source_file,
       lag(k.control) OVER (PARTITION BY k.ons_code ORDER BY e.date) AS before_control,
       lag(e.date) OVER (PARTITION BY k.ons_code ORDER BY e.date) AS before_date,
       k.label_control IS DISTINCT FROM k.control
           OR lag(k.label_control IS DISTINCT FROM k.control) OVER (PARTITION BY k.ons_code ORDER BY e.date)
           AS relabelled
FROM council_control k JOIN elections e ON e.id = k.election_id;

-- Seats held on the whole council after the election, per party (composition). Where a source lumps
-- parties together the row is party 'OTH'. `control` repeats council_control.control for convenience.
CREATE TABLE IF NOT EXISTS council_composition (
    election_id   TEXT NOT NULL,
    ons_code      TEXT NOT NULL,
    party_code    TEXT NOT NULL,
    seats_held    INTEGER NOT NULL,
    net_change    INTEGER,            -- seats held minus seats held after the previous election; NULL if not given
    control       TEXT,
    dataset       TEXT NOT NULL,
    source_file   TEXT NOT NULL,
    PRIMARY KEY (election_id, ons_code, party_code)
);

-- Open Council Data's yearly snapshots of seats held. Not tied to an election day: by-elections and
-- defections are in them, so prefer council_composition straight after an election.
CREATE TABLE IF NOT EXISTS council_composition_by_year (
    year            INTEGER NOT NULL,
    ons_code        TEXT,             -- NULL while no other file names the council (see data_issues)
    authority_name  TEXT NOT NULL,    -- as printed
    party_code      TEXT NOT NULL,    -- OTH = independents, residents, other parties and vacancies
    seats_held      INTEGER NOT NULL,
    total_seats     INTEGER NOT NULL,
    control         TEXT,             -- party code or 'NOC' ('Lab plurality', 'CON min' are NOC); NULL if unclear
    control_printed TEXT NOT NULL,
    dataset         TEXT NOT NULL,
    source_file     TEXT NOT NULL,
    PRIMARY KEY (year, authority_name, party_code)
);

-- One row per constituency per general election.
CREATE TABLE IF NOT EXISTS constituency_results (
    election_id       TEXT NOT NULL,
    ons_code          TEXT NOT NULL,
    name              TEXT NOT NULL,  -- as printed
    winner            TEXT NOT NULL,  -- the elected member
    party_code        TEXT NOT NULL,  -- the winner's party
    second_party_code TEXT,
    result            TEXT,           -- 'Lab hold', 'Con gain from Lab'
    electorate        BIGINT,
    valid_votes       BIGINT,
    invalid_votes     BIGINT,
    majority          BIGINT,         -- winner's votes minus the runner-up's
    turnout           DOUBLE,         -- valid votes / electorate (the Commons Library's measure)
    declared_at       TIMESTAMP,
    dataset           TEXT NOT NULL,
    source_file       TEXT NOT NULL,
    PRIMARY KEY (election_id, ons_code)
);

-- The elected member's gender as the Commons Library records it ('F' or 'M'); NULL where a file does not say.
ALTER TABLE constituency_results ADD COLUMN IF NOT EXISTS winner_gender TEXT;

-- Votes by party in each constituency (long format). 'OTH' = all other candidates together.
CREATE TABLE IF NOT EXISTS constituency_votes (
    election_id   TEXT NOT NULL,
    ons_code      TEXT NOT NULL,
    party_code    TEXT NOT NULL,
    party_printed TEXT NOT NULL,
    votes         BIGINT NOT NULL,
    dataset       TEXT NOT NULL,
    source_file   TEXT NOT NULL,
    PRIMARY KEY (election_id, ons_code, party_code)
);

-- One row per candidate in a general election.
CREATE TABLE IF NOT EXISTS constituency_candidacies (
    election_id       TEXT NOT NULL,
    ons_code          TEXT,           -- NULL while no other file names the constituency (see data_issues)
    constituency_name TEXT NOT NULL,  -- as printed
    candidate         TEXT NOT NULL,
    party_code        TEXT NOT NULL,
    party_printed     TEXT NOT NULL,
    votes             BIGINT,
    share             DOUBLE,         -- of valid votes, 0-1
    position          INTEGER,        -- 1 = elected
    elected           BOOLEAN NOT NULL,
    dataset           TEXT NOT NULL,
    source_file       TEXT NOT NULL
);

-- Seats won (and votes) per party across the whole general election: counted from a file's own
-- constituency results, or given directly by a canonical file.
CREATE TABLE IF NOT EXISTS national_results (
    election_id   TEXT NOT NULL,
    party_code    TEXT NOT NULL,
    seats         INTEGER NOT NULL,
    votes         BIGINT,
    dataset       TEXT NOT NULL,
    source_file   TEXT NOT NULL,
    PRIMARY KEY (election_id, party_code)
);

-- What a results file's columns and codes mean, in its publisher's words: `code` and `option` are one of a
-- column's coded values ("UAT", "Unitary Authority electing by thirds"), NULL for a column without codes.
CREATE TABLE IF NOT EXISTS definitions (
    term          TEXT NOT NULL,      -- the column, as the publisher names it ("Type", "Vote effective")
    sheet         TEXT,
    meaning       TEXT,
    code          TEXT,
    option        TEXT,
    dataset       TEXT NOT NULL,
    source_file   TEXT NOT NULL
);

-- The party abbreviations a file prints, with what they stand for (Commons Library party names): each is
-- also an alias of its party in `party_aliases`.
CREATE TABLE IF NOT EXISTS party_names (
    abbreviation  TEXT NOT NULL,
    name          TEXT NOT NULL,
    code          TEXT NOT NULL,
    candidates    INTEGER,
    dataset       TEXT NOT NULL,
    source_file   TEXT NOT NULL
);

-- Councillors in Great Britain by party, each year (Commons Library): a party's count, and every party's.
-- NAT is the file's one column for the SNP and Plaid Cymru together; OTH every other party and independent.
CREATE TABLE IF NOT EXISTS national_councillors (
    year          INTEGER NOT NULL,
    party_code    TEXT NOT NULL,
    councillors   INTEGER NOT NULL,
    total         INTEGER,
    dataset       TEXT NOT NULL,
    source_file   TEXT NOT NULL,
    PRIMARY KEY (year, party_code)
);

-- Open Council Data's councillor rosters: who sat on each council, ward by ward, in a year. One row per seat
-- as the file lists it (a vacant seat: `councillor` NULL). Not an election result: the year is the roster's
-- (from the file's name), and by-elections and defections are in it. Councils come by name only and get their
-- ONS code when the store is reconciled; a ward gets the code the election files give a ward of that name on
-- that council (from the election nearest the roster's year). A name listed twice in one ward is kept as the
-- file has it and named in data_issues.
CREATE TABLE IF NOT EXISTS councillors (
    year               INTEGER NOT NULL,  -- the roster's year
    ons_code           TEXT,              -- the council; NULL while no other file names it (see data_issues)
    authority_name     TEXT NOT NULL,     -- as printed
    ward_name          TEXT NOT NULL,     -- as printed
    ward_code          TEXT,              -- NULL where no election file names a ward so on that council
    councillor         TEXT,              -- as printed; NULL for a seat the file marks vacant
    party_code         TEXT,              -- NULL for a vacant seat; 'Independent / Other' is IND
    party_printed      TEXT NOT NULL,     -- as printed: 'Labour Party', 'Independent / Other', 'Vacant'
    party_registration TEXT,              -- the Electoral Commission's party code ('PP53'); NULL when none
    next_election      DATE,              -- the councillor's next scheduled election, as the file gives it
    line               INTEGER NOT NULL,  -- the line of the file
    dataset            TEXT NOT NULL,
    source_file        TEXT NOT NULL
);

-- Where the sources disagree, or a name could not be placed. Recomputed after every import, so it
-- always describes the store as it is. Answers may cite these ("the sources differ: ...").
CREATE TABLE IF NOT EXISTS data_issues (
    kind          TEXT NOT NULL,      -- e.g. 'seats_won_vs_seats_held', 'unresolved_authority'
    election_id   TEXT,               -- or 'year-2018' for yearly snapshots
    area_code     TEXT,               -- council or constituency ONS code
    area_name     TEXT,
    party_code    TEXT,
    field         TEXT,               -- what was compared
    source_a      TEXT,               -- file
    value_a       TEXT,
    source_b      TEXT,
    value_b       TEXT,
    detail        TEXT NOT NULL       -- one sentence a person can read
);

-- ---------------------------------------------------------------- councils' own results (corpus/results/lga.py)

-- By-elections, one row per kind and polling day: 'local-by-2025-10-16', 'general-by-2022-12-15'. Their facts
-- (candidacies, seats_won, ward_results, constituency_*) are stored under these ids like any election's; they are
-- kept out of `elections` because the answering side takes its rows as the ordinary rounds one after another,
-- and a by-election between two would be read as "the previous election" of the later one.
CREATE TABLE IF NOT EXISTS by_elections (
    id            TEXT PRIMARY KEY,
    date          DATE NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('local', 'general')),
    name          TEXT NOT NULL       -- 'Local by-elections, 16 October 2025'
);

-- A ward contest's ballot papers, where the file gives them (a council's own declaration does): those counted,
-- valid or not (turnout is these over the electorate), and those rejected. NULL where the file does not say.
ALTER TABLE ward_results ADD COLUMN IF NOT EXISTS ballots_cast BIGINT;
ALTER TABLE ward_results ADD COLUMN IF NOT EXISTS rejected_ballots BIGINT;

-- Contests a file holds that the store does not, each with the reason (a parish or mayoral election; a
-- Westminster contest reported for part of a constituency, or under a seat's code retired before that day).
-- Replaced with the file's other rows when it is imported again.
CREATE TABLE IF NOT EXISTS skipped_contests (
    source_file   TEXT NOT NULL,
    line          INTEGER NOT NULL,   -- the contest's first line in the file
    election_date DATE,
    election_type TEXT,               -- as printed, e.g. 'Parliamentary'
    area_code     TEXT,
    area_name     TEXT,
    candidates    INTEGER NOT NULL,   -- lines skipped
    reason        TEXT NOT NULL
);
