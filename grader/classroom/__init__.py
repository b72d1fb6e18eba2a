"""Grading a whole class: one folder of submissions in, one folder of reports and gradebooks out.

반 전체 채점: 제출물 폴더 하나를 받아 학생별 보고서, 성적표(gradebook.csv), 요약, Canvas CSV를 쓴다.

One module per concern: ``entries`` (what a class folder holds and each entry's id — shared with
``grader similarity``), ``roster`` (submission → student), ``task`` (the per-submission task, the
same locally and on Dask), ``pool`` (warm local grading processes), ``run`` (resumable batch into
the output folder), ``gradebook`` (gradebook.csv and Canvas CSV rebuilt from the reports),
``summary`` (what the class struggles with), ``dask`` (the same task on a Dask cluster).
"""
