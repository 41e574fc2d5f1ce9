"""Official results files into the store's canonical results tables: one importer per source format."""

from corpus.results.detect import FORMATS, detect_format
from corpus.results.errors import ResultsFileError
from corpus.results.load import import_results, import_results_files
from corpus.results.names import normalise_name
from corpus.results.records import ImportReport, ResultsFormat
from corpus.results.status import results_status

__all__ = [
    "FORMATS",
    "ImportReport",
    "ResultsFileError",
    "ResultsFormat",
    "detect_format",
    "import_results",
    "import_results_files",
    "normalise_name",
    "results_status",
]
