/**
 * Phone number normalization. Teams stores every number in E.164; admins type them with
 * spaces, `tel:` prefixes or in national format, so everything passes through here.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { OcrouteError } from './errors';

export type E164 = string;

/**
 * Normalize `input` to E.164. National input needs `defaultRegion` (ISO 3166 alpha-2).
 * Throws an OcrouteError naming the input when it is not a possible phone number.
 */
export function toE164(input: string, defaultRegion?: string, field = 'number'): E164 {
  const raw = String(input).trim().replace(/^tel:/i, '');
  const parsed = parsePhoneNumberFromString(raw, defaultRegion as CountryCode | undefined);
  if (!parsed || !parsed.isPossible()) {
    const hint = raw.startsWith('+') || defaultRegion ? '' : ' (no leading + and no default region set)';
    throw new OcrouteError('E_NUMBER', `'${input}' is not a valid phone number${hint}`, { field });
  }
  return parsed.number;
}

/** ISO country of an E.164 number, or undefined when libphonenumber cannot tell. */
export function countryOf(e164: E164): string | undefined {
  const parsed = parsePhoneNumberFromString(e164);
  return parsed?.country;
}
