import { InvalidArgumentError, Option } from 'commander';
import { integerIn } from '../optionParsers.js';

/**
 * `--target`, `--last`, `--baseline`, `--metrics` and `--labels`, shared by `report` and
 * `compare`; `metricsNote` says what else `--metrics` does for the command. `--target` stays text
 * here: the report library that parses it loads when the command runs.
 */
export function summaryOptions(metricsNote?: string): Option[] {
  return [
    new Option('--target <acc>', 'test accuracy for the "bits to target" column, as 0.8 or 80%'),
    new Option('--last <n>', "also show each run's mean test accuracy over its last n evaluations").argParser(
      integerIn(1, 1_000_000),
    ),
    new Option(
      '--baseline <run>',
      "also show each run's accuracy minus this run's (as the table labels it), paired seed by seed",
    ),
    new Option(
      '--metrics <names>',
      `adapter metrics to show, comma-separated (default: every one the runs report)${
        metricsNote === undefined ? '' : `; ${metricsNote}`
      }`,
    ).argParser(commaList('metric names', 'effectiveRank,stableRank')),
    new Option(
      '--labels <how>',
      "name runs by their experiment's label where its file sets one and otherwise by what differs (auto), " +
        "always by what differs between them (differences), or by the experiments' own labels or names (experiment)",
    )
      .choices(['auto', 'differences', 'experiment'])
      .default('auto'),
  ];
}

/** A parser of comma-separated names (`what`, such as "metric names"), refusing a list of none with an `example`. */
export function commaList(what: string, example: string): (value: string) => string[] {
  return (value) => {
    const names = value
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== '');
    if (names.length === 0) throw new InvalidArgumentError(`expected ${what} such as "${example}", got "${value}".`);
    return names;
  };
}

/** What the results-folder argument accepts, shared by `report` and `compare`. */
export const resultsDirHelp =
  'folders `fedtune run` wrote (each with its compare/ runs), or folders holding such folders';
