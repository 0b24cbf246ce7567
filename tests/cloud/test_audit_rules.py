"""The audit's pure parts: what a job's state does to a finding, media on its way to ``Normal``, a
status the documentation does not list, and a listing whose pages shift while they are read."""

from __future__ import annotations

from validator.cloud.audit import listed
from validator.cloud.audit_rules import in_context, media_problem, missing_media
from validator.cloud.jobs import JobPage, JobView, MediaView
from validator.findings import Finding, Severity

ERROR = Finding("duration-range", Severity.ERROR, "too short", "5-15 min", "20 s", "Record a longer take.")
WARNING = Finding("audio-missing", Severity.WARNING, "no audio", "audio", "none", "Add the sound.")


def test_a_trained_job_keeps_its_findings_as_warnings_that_say_so() -> None:
    trained = in_context(JobView("j", "Success"), [ERROR, WARNING])
    assert [f.severity for f in trained] == [Severity.WARNING, Severity.WARNING]
    assert "Success" in trained[0].message and "--job-id new" in (trained[0].fix or "")
    assert trained[1] == WARNING


def test_a_training_job_keeps_its_errors_and_is_told_to_wait() -> None:
    for status in ("Queuing", "Training"):
        (kept,) = in_context(JobView("j", status), [ERROR])
        assert kept.severity is Severity.ERROR and status in kept.message
        assert "status j" in (kept.fix or "")


def test_a_status_outside_the_documented_five_is_carried_not_judged_as_submittable() -> None:
    odd = JobView("j", "Normal")
    assert missing_media(odd) == []
    assert in_context(odd, [ERROR]) == (ERROR,)
    assert {f.rule for f in missing_media(JobView("j", "Fail"))} == {
        "job-video-missing",
        "job-portrait-missing",
    }


def test_media_on_its_way_is_a_warning_and_a_failed_one_an_error() -> None:
    preparing = media_problem("j", "video", "m", MediaView("m", "Preparing"))
    failed = media_problem("j", "video", "m", MediaView("m", "PrepareFail"))
    assert preparing is not None and preparing.severity is Severity.WARNING
    assert failed is not None and failed.severity is Severity.ERROR and failed.actual == "PrepareFail"
    assert media_problem("j", "video", "m", MediaView("m", "Normal")) is None


class _Shifting:
    """Pages of a listing into which a new job arrives after the first page was read: every later
    item moves one place down, so the last item of page 1 is listed again on page 2."""

    def __init__(self, jobs: int, page_size: int) -> None:
        self._ids = [f"job{n}" for n in range(jobs)]
        self._size = page_size
        self.pages = 0

    def list_jobs(self, status: str | None, page_no: int, page_size: int) -> JobPage:
        self.pages += 1
        ids = self._ids if page_no == 1 else ["new", *self._ids]
        chunk = ids[(page_no - 1) * page_size : page_no * page_size]
        return JobPage(len(ids), tuple(JobView(i, "Init") for i in chunk))

    def __getattr__(self, name: str) -> object:
        raise AssertionError(f"the listing calls only ListAvatarTrainingJobs, not {name}")


def test_a_job_pushed_down_a_page_is_audited_once() -> None:
    ice = _Shifting(5, 2)
    ids = [job.job_id for job in listed(ice, (), 2)]  # type: ignore[arg-type]
    assert ids == ["job0", "job1", "job2", "job3", "job4"]
    assert ice.pages == 3


def test_each_status_asked_for_is_listed_in_turn() -> None:
    asked: list[str | None] = []

    class _ByStatus:
        def list_jobs(self, status: str | None, page_no: int, page_size: int) -> JobPage:
            asked.append(status)
            return JobPage(1, (JobView(f"{status}-1", status or ""),))

    found = [j.job_id for j in listed(_ByStatus(), ("Init", "Fail"), 100)]  # type: ignore[arg-type]
    assert asked == ["Init", "Fail"] and found == ["Init-1", "Fail-1"]
