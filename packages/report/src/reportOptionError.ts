/**
 * An option of the report that does not fit the runs: a baseline no group is labelled with, an
 * adapter metric no run reports, a count that is not a whole number. The message names the
 * option, what was given and what the runs allow.
 */
export class ReportOptionError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'ReportOptionError';
  }
}
