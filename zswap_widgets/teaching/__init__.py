"""The teaching floor: the exercises (`exercises`, one `Exercise` per question, with per-student
variants), their grader (`grading`, run by nbgrader's grade cells in a fresh process) and course
writer (`course`), the prediction box (`predict`), static renderings of widgets for GitHub and
nbviewer (`display`) and the tutorial launcher (`tutorial`). The notebooks themselves live in the
repository's notebooks/ folder (shipped as zswap_widgets/notebooks)."""
