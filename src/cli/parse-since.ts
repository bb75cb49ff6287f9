/**
 * `--since` for `linkgate audit`: a duration back from now ('30s', '15m', '24h', '7d', '2w') or an
 * ISO 8601 date ('2024-05-01', '2024-05-01T10:00:00Z'). Pure: `now` is an argument.
 */
import { LinkgateError } from '../errors/linkgate-error.js';

export class InvalidSinceError extends LinkgateError {
  override name = 'InvalidSinceError';
  constructor(value: string, why: string) {
    super(`--since ${JSON.stringify(value)}: ${why}`, {
      code: 'InvalidSince',
      hint: "use a duration such as 15m, 24h or 7d (s, m, h, d, w), or an ISO date such as 2024-05-01 or 2024-05-01T10:00:00Z",
      exitCode: 2,
    });
  }
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
/** Far enough back for any audit trail, small enough that the arithmetic stays exact. */
const MAX_BACK_MS = 100 * 366 * 86_400_000;
const DURATION = /^(\d{1,12})\s*([smhdw])$/u;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/iu;

export function parseSince(text: string, now: Date): Date {
  const value = text.trim();
  if (value === '') throw new InvalidSinceError(text, 'is empty');
  const duration = DURATION.exec(value.toLowerCase());
  if (duration !== null) {
    const back = Number(duration[1]) * (UNIT_MS[duration[2] as string] as number);
    if (back > MAX_BACK_MS) throw new InvalidSinceError(text, 'is more than 100 years back');
    return new Date(now.getTime() - back);
  }
  const iso = ISO.exec(value);
  if (iso === null) throw new InvalidSinceError(text, 'is neither a duration nor an ISO date');
  const [, year, month, day, hour, minute, second, zone] = iso;
  // A time without an offset is taken as UTC, as audit times are (not as the machine's local time).
  const normalized = hour === undefined ? `${year}-${month}-${day}T00:00:00Z` : `${value.replace(' ', 'T')}${zone === undefined ? 'Z' : ''}`;
  const ms = Date.parse(normalized);
  if (Number.isNaN(ms)) throw new InvalidSinceError(text, 'is not a valid date');
  // Date.parse rolls 2024-02-30 over to March 1; check the calendar fields say what was written.
  const check = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour ?? 0), Number(minute ?? 0), Number(second ?? 0)));
  if (
    check.getUTCFullYear() !== Number(year) ||
    check.getUTCMonth() !== Number(month) - 1 ||
    check.getUTCDate() !== Number(day) ||
    check.getUTCHours() !== Number(hour ?? 0) ||
    check.getUTCMinutes() !== Number(minute ?? 0) ||
    check.getUTCSeconds() !== Number(second ?? 0)
  ) {
    throw new InvalidSinceError(text, 'is not a valid calendar date or time');
  }
  return new Date(ms);
}
