/**
 * How much of a free text (Claude's words, a reason, an assessment, a blocker) each place shows, in one place: the
 * whole text is in the transcript, and each bound fits what reads it.
 */

/** A line of the live log, or a reason logged at the end: a log line a person still reads. */
export const LOG_TEXT = 4_000;
/** A paragraph of a Markdown report read once at the end (the job summary, the local summary). */
export const REPORT_TEXT = 2_000;
/** A paragraph of the status comment or the issue: GitHub caps a body at 65,536 characters, all else included. */
export const ISSUE_TEXT = 1_000;
