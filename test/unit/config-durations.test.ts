import t from 'tap';
import { durationProblem, formatDuration, MAX_TIMER_MS, parseDuration } from '../../src/config/durations.js';

t.test('parses single units and combinations, largest unit first', async (t) => {
  const cases: [string, number][] = [
    ['0', 0],
    ['0s', 0],
    ['500ms', 500],
    ['30s', 30_000],
    ['15m', 900_000],
    ['2h', 7_200_000],
    ['30d', 2_592_000_000],
    ['1h30m', 5_400_000],
    ['1d12h', 129_600_000],
    ['1m30s250ms', 90_250],
  ];
  for (const [text, ms] of cases) t.same(parseDuration(text), { ms }, text);
});

t.test('explains what is wrong with a duration', async (t) => {
  const problem = (text: string) => {
    const result = parseDuration(text);
    return 'problem' in result ? result.problem : 'no problem';
  };
  t.match(problem('30'), /needs a unit/);
  t.match(problem('1w'), /unknown unit "w"/);
  t.match(problem('30S'), /unknown unit "S"/);
  t.match(problem('30m1h'), /largest first/);
  t.match(problem('1h1h'), /largest first/);
  t.match(problem('1.5h'), /whole numbers/);
  t.match(problem("-1s"), /not a duration at "-1s"/);
  t.match(problem("1h30"), /needs a unit/);
  t.match(problem("2 days"), /not a duration at "2 days"/);
  t.match(problem('1h 30m'), /not a duration at " 30m"/);
  t.match(problem(''), /is empty/);
});

t.test('limits: positive durations and the longest Node timer', async (t) => {
  t.equal(durationProblem('0s', { positive: true }), 'must be longer than 0s');
  t.equal(durationProblem('1ms', { positive: true }), undefined);
  t.equal(durationProblem('24d', { maxMs: MAX_TIMER_MS }), undefined);
  t.match(durationProblem('25d', { maxMs: MAX_TIMER_MS }) ?? '', /longer than 24d20h31m23s647ms/);
  t.equal(durationProblem('365d'), undefined, 'no limit unless asked (the horizon is not a timer)');
});

t.test('formats durations with the fewest units', async (t) => {
  t.equal(formatDuration(0), '0s');
  t.equal(formatDuration(90_000), '1m30s');
  t.equal(formatDuration(86_400_500), '1d500ms');
});
