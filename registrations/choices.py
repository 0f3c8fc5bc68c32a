from fachtag.languages import INTERPRETING_LANGUAGES, INTERPRETING_OTHER

OTHER = INTERPRETING_OTHER
# Every language the office can book (what a registration may hold); each event offers its own choice of them.
__all__ = ["INTERPRETING_LANGUAGES", "MAX_CHILDREN", "MAX_CHILD_AGE", "OTHER"]
MAX_CHILDREN = 10
MAX_CHILD_AGE = 17
